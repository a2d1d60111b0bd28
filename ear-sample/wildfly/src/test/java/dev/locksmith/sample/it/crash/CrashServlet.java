package dev.locksmith.sample.it.crash;

import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code POST /crash?item=&quantity=}: places an order and halts the server inside its commit. */
@WebServlet("/crash")
public class CrashServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @EJB
    private CrashingOrder order;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        try {
            order.placeAndHaltInCommit(req.getParameter("item"), Long.parseLong(req.getParameter("quantity")));
            resp.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "the server should have halted in commit");
        } catch (Exception e) {
            resp.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR, e.toString());
        }
    }
}
