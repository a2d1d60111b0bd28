package dev.locksmith.sample.web;

import dev.locksmith.sample.SampleServiceBean;
import dev.locksmith.sample.TransactionReport;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The sample's HTTP API, answering JSON:
 * <ul>
 *   <li>{@code GET  /api/counters} — the adapter's counters since the server started;
 *   <li>{@code POST /api/commit} — run one transaction through the adapter and commit it;
 *   <li>{@code POST /api/commit-with-jdbc} — run one that also writes a row through the server's H2
 *       datasource, so the adapter's branch is prepared and committed in two phases;
 *   <li>{@code POST /api/rollback} — run one and roll it back.
 * </ul>
 * The transaction endpoints answer with the XA branch the connection was enlisted in and the
 * counter deltas (see {@link TransactionReport}); an adapter failure answers 500 with the message.
 */
@WebServlet(urlPatterns = {"/api/counters", "/api/commit", "/api/commit-with-jdbc", "/api/rollback"})
public class SampleServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @EJB
    private SampleServiceBean sample;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!"/api/counters".equals(req.getServletPath())) {
            resp.setHeader("Allow", "POST");
            resp.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "use POST for " + req.getServletPath());
            return;
        }
        Map<String, Long> counters = sample.counters();
        json(resp, HttpServletResponse.SC_OK, counters.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":" + e.getValue())
                .collect(Collectors.joining(",", "{", "}")));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        try {
            TransactionReport report = switch (req.getServletPath()) {
                case "/api/commit" -> sample.commitTransaction();
                case "/api/commit-with-jdbc" -> sample.commitTransactionWithJdbc();
                case "/api/rollback" -> sample.rollbackTransaction();
                default -> null;
            };
            if (report == null) {
                resp.setHeader("Allow", "GET");
                resp.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "use GET for " + req.getServletPath());
                return;
            }
            json(resp, HttpServletResponse.SC_OK, report.toJson());
        } catch (EJBException e) {
            String message = String.valueOf(e.getMessage()).replace("\\", "\\\\").replace("\"", "\\\"");
            json(resp, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "{\"error\":\"" + message + "\"}");
        }
    }

    private static void json(HttpServletResponse resp, int status, String body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().println(body);
    }
}
