package dev.locksmith.sample.web;

import dev.locksmith.sample.orders.OrderRejected;
import jakarta.json.Json;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Answers a refused request with its HTTP status and {@code {"error": "...", "reason": "..."}}:
 * 400 for bad input, 404 for an unknown item, 409 for insufficient stock or a key that is taken.
 */
@Provider
public class Errors implements ExceptionMapper<OrderRejected> {

    @Override
    public Response toResponse(OrderRejected e) {
        Response.Status status = switch (e.reason()) {
            case BAD_REQUEST -> Response.Status.BAD_REQUEST;
            case UNKNOWN_ITEM -> Response.Status.NOT_FOUND;
            case INSUFFICIENT_STOCK, ITEM_EXISTS -> Response.Status.CONFLICT;
        };
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Json.createObjectBuilder().add("error", String.valueOf(e.getMessage()))
                        .add("reason", e.reason().name()).build().toString())
                .build();
    }

    /**
     * A JSON error answer.
     *
     * @param status the HTTP status
     * @param message what was wrong
     * @return the response
     */
    static Response response(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Json.createObjectBuilder().add("error", message).build().toString()).build();
    }
}
