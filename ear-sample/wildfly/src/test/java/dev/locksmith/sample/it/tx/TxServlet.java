package dev.locksmith.sample.it.tx;

import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The HTTP side of {@code TransactionsIT}: {@code POST /tx/<case>} runs one case and answers
 * {@code key=value} lines ({@code exception=<class>} when the bean threw).
 */
@WebServlet("/tx/*")
public class TxServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @EJB
    private OuterWork outer;

    @EJB
    private TimeoutWork timeout;

    @EJB
    private Probe probe;

    @EJB
    private StockBean stock;

    @EJB
    private EarlyHandle early;

    @EJB
    private SqlWork sql;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String name = req.getParameter("name");
        StringBuilder out = new StringBuilder();
        probe.createStock();
        try {
            switch (String.valueOf(req.getPathInfo())) {
                case "/required" -> out.append(outer.lockThenJoin(name));
                case "/requires-new" -> out.append(outer.lockThenNew(name, req.getParameter("other")));
                case "/reject" -> {
                    probe.setQuantity("REJECT", 1);
                    long before = probe.statistics().xaRolledBack();
                    try {
                        outer.lockThenReject(name);
                    } catch (OrderRejected e) {
                        out.append("exception=").append(e.getClass().getSimpleName()).append('\n');
                    }
                    out.append("rolledBack=").append(probe.statistics().xaRolledBack() - before).append('\n');
                }
                case "/timeout" -> out.append(timeout.lockAndOutlive(name, Integer.parseInt(req.getParameter("seconds"))));
                case "/early-handle" -> {
                    boolean reject = Boolean.parseBoolean(req.getParameter("reject"));
                    probe.setQuantity("LAZY", 1);
                    out.append(early.handleFromBeforeTheTransaction(name, reject));
                }
                case "/sql" -> {
                    probe.setQuantity("SQL", 1);
                    try {
                        out.append(sql.jcaThenSql("SQL", Boolean.parseBoolean(req.getParameter("reject"))));
                    } catch (OrderRejected e) {
                        out.append(e.getMessage()).append("exception=").append(e.getClass().getSimpleName()).append('\n');
                    }
                }
                case "/sell" -> {
                    probe.setQuantity("SELL", 10);
                    out.append("left=").append(stock.sell("SELL", 3)).append('\n');
                    out.append("committed=").append(probe.quantity("SELL")).append('\n');
                }
                default -> {
                    resp.sendError(HttpServletResponse.SC_NOT_FOUND, "no case " + req.getPathInfo());
                    return;
                }
            }
        } catch (Exception e) {
            out.append("exception=").append(e.getClass().getName()).append(": ").append(e.getMessage()).append('\n');
        }
        out.append("freeAfter=").append(probe.free(name)).append('\n');
        for (String item : new String[] {"JOIN", "OUTER", "NEW", "REJECT", "LATE", "LAZY", "SQL"}) {
            out.append("quantity.").append(item).append('=').append(probe.quantity(item)).append('\n');
        }
        resp.setContentType("text/plain");
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().print(out);
    }
}
