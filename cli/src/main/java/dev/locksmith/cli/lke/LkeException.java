package dev.locksmith.cli.lke;

/**
 * Why an {@code lke} command could not do its work: an unreachable JVM, a JVM without Locksmith,
 * a refused operation. The message is printed as {@code %LKE-E-CODE, message}.
 */
public final class LkeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;

    public LkeException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public LkeException(String code, String message) {
        this(code, message, null);
    }

    /** The line printed for this error. */
    public String line() {
        return "%LKE-E-" + code + ", " + getMessage();
    }
}
