package dev.simloop.junit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON the results file needs, without a dependency: writing a value (maps, lists,
 * strings, numbers, booleans, null) on one line, and reading one back. Numbers are read as
 * {@code long} when they are integers, else {@code double}.
 */
final class Json {
    /** The deepest nesting of arrays and objects read: a results line nests 4 deep; a deeper one would overflow the stack. */
    static final int MAX_DEPTH = 256;

    private final String text;
    private int at;
    /** The arrays and objects open at {@link #at}. */
    private int depth;

    private Json(String text) {
        this.text = text;
    }

    /** @return {@code value} as one line of JSON */
    static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object value) {
        if (value == null || value instanceof Boolean || value instanceof Number) {
            sb.append(value);
        } else if (value instanceof Map<?, ?> map) {
            sb.append('{');
            map.forEach((k, v) -> {
                sb.append(sb.charAt(sb.length() - 1) == '{' ? "" : ",");
                string(sb, k.toString());
                sb.append(':');
                write(sb, v);
            });
            sb.append('}');
        } else if (value instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                sb.append(i == 0 ? "" : ",");
                write(sb, list.get(i));
            }
            sb.append(']');
        } else {
            string(sb, value.toString());
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"').append(dev.simloop.internal.Trace.escape(s)).append('"');
    }

    /**
     * @param text one JSON value
     * @return it as maps ({@link LinkedHashMap}), lists, strings, longs, doubles, booleans and nulls
     * @throws IllegalArgumentException when the text is not JSON, saying where
     */
    static Object read(String text) {
        Json j = new Json(text);
        Object v = j.value();
        j.space();
        if (j.at != text.length()) {
            throw j.error("text after the value");
        }
        return v;
    }

    private Object value() {
        space();
        if (at >= text.length()) {
            throw error("a value");
        }
        char c = text.charAt(at);
        if ((c == '{' || c == '[') && depth == MAX_DEPTH) {
            throw new IllegalArgumentException("not a results line: arrays and objects nested more than " + MAX_DEPTH
                    + " deep at character " + (at + 1));
        }
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> number();
        };
    }

    private Map<String, Object> object() {
        Map<String, Object> map = new LinkedHashMap<>();
        at++;
        depth++;
        space();
        if (peek('}')) {
            depth--;
            return map;
        }
        do {
            space();
            if (at >= text.length() || text.charAt(at) != '"') {
                throw error("a member name");
            }
            String key = string();
            space();
            expect(':');
            map.put(key, value());
            space();
        } while (peek(','));
        expect('}');
        depth--;
        return map;
    }

    private List<Object> array() {
        List<Object> list = new ArrayList<>();
        at++;
        depth++;
        space();
        if (peek(']')) {
            depth--;
            return list;
        }
        do {
            list.add(value());
            space();
        } while (peek(','));
        expect(']');
        depth--;
        return list;
    }

    private String string() {
        StringBuilder sb = new StringBuilder();
        at++;
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == '"') {
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (at >= text.length()) {
                break;
            }
            char e = text.charAt(at++);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    if (at + 4 > text.length() || !text.substring(at, at + 4).matches("[0-9a-fA-F]{4}")) {
                        throw error("four hex digits");
                    }
                    sb.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    at += 4;
                }
                default -> sb.append(e);
            }
        }
        throw error("the end of a string");
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, at)) {
            throw error(word);
        }
        at += word.length();
        return value;
    }

    private Object number() {
        int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        String n = text.substring(start, at);
        try {
            return n.matches("-?\\d+") ? (Object) Long.parseLong(n) : (Object) Double.parseDouble(n);
        } catch (NumberFormatException e) {
            at = start;
            throw error("a value");
        }
    }

    private void space() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }

    private boolean peek(char c) {
        if (at < text.length() && text.charAt(at) == c) {
            at++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("'" + c + "'");
        }
    }

    private IllegalArgumentException error(String expected) {
        if (at >= text.length()) {
            return new CutShort("not JSON: the text ends inside its value, where " + expected + " was expected at"
                    + " character " + (at + 1));
        }
        return new IllegalArgumentException("not JSON: expected " + expected + " at character " + (at + 1));
    }

    /** Thrown when the text ends inside its value: the start of a value, cut short (as by a writer that was killed). */
    static final class CutShort extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        CutShort(String message) {
            super(message);
        }
    }
}
