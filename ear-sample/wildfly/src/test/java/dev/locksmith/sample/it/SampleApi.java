package dev.locksmith.sample.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonStructure;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The order-entry API of the deployed sample, over HTTP on 127.0.0.1, for the tests. Thread-safe.
 */
final class SampleApi {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;

    SampleApi() {
        this(Server.offset());
    }

    /** The API of a server whose ports are moved by {@code offset}. */
    SampleApi(int offset) {
        this.base = Server.http(offset, "locksmith-sample/api/");
    }

    /** An answer: its status and its JSON body. */
    record Answer(int status, JsonStructure json, String body) {
        JsonObject object() {
            return (JsonObject) json;
        }

        JsonArray array() {
            return (JsonArray) json;
        }
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    /** POSTs a form; {@code form} is {@code name=value&...} already, or built with {@link #form}. */
    Answer post(String path, String form) {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    /** As {@link #get}, but null when the server cannot be reached (not up yet, or gone). */
    Answer getQuietly(String path) {
        try {
            return get(path);
        } catch (UncheckedIOException e) {
            return null;
        }
    }

    /** POSTs a form to any address, answering null when the connection fails (the server died). */
    Answer postQuietly(URI address, String form) {
        try {
            return send(HttpRequest.newBuilder(address).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)));
        } catch (UncheckedIOException e) {
            return null;
        }
    }

    static String form(Object... namesAndValues) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (b.length() > 0) {
                b.append('&');
            }
            b.append(namesAndValues[i]).append('=')
                    .append(URLEncoder.encode(String.valueOf(namesAndValues[i + 1]), StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    /** Creates a stock item of {@code quantity} units at 100 cents. */
    void addItem(String item, String category, long quantity) {
        Answer a = post("stock", form("item", item, "category", category, "quantity", quantity, "price", 100,
                "description", "test item"));
        if (a.status() != 201) {
            throw new AssertionError("adding " + item + ": " + a.status() + " " + a.body());
        }
    }

    /** The item's {@code quantity} and {@code ordered}. */
    JsonObject item(String item) {
        Answer a = get("stock/" + item);
        if (a.status() != 200) {
            throw new AssertionError("reading " + item + ": " + a.status() + " " + a.body());
        }
        return a.object();
    }

    /** Every item of the stock by key. */
    Map<String, JsonObject> stock() {
        return get("stock").array().stream().map(JsonObject.class::cast)
                .collect(Collectors.toMap(o -> o.getString("item"), o -> o, (a, b) -> a, HashMap::new));
    }

    private static Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = HTTP.send(request.timeout(Duration.ofMinutes(3)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonStructure json = null;
            if (r.body().startsWith("{") || r.body().startsWith("[")) {
                try (JsonReader reader = Json.createReader(new StringReader(r.body()))) {
                    json = reader.read();
                }
            }
            return new Answer(r.statusCode(), json, r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
