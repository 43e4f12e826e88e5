package dev.simloop;

import java.text.MessageFormat;
import java.util.ResourceBundle;

/**
 * A {@code System.LoggerFinder} of a user's, for {@link TaskLogAtStartTest}: every logger takes
 * every level and prints each message to standard output as {@code FINDER <logger> <level> <message>}.
 */
public final class PrintingLoggerFinder extends System.LoggerFinder {
    /** Made by the JDK's {@code ServiceLoader}. */
    public PrintingLoggerFinder() {
    }

    @Override
    public System.Logger getLogger(String name, Module module) {
        return new Printing(name);
    }

    private record Printing(String name) implements System.Logger {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            System.out.println("FINDER " + name + " " + level + " " + msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            System.out.println("FINDER " + name + " " + level + " " + MessageFormat.format(format, params));
        }
    }
}
