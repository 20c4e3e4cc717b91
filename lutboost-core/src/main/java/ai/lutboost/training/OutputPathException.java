package ai.lutboost.training;

import ai.lutboost.LutBoostException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NotDirectoryException;

/**
 * An output location the user chose cannot take the output: a file where a directory must be, a
 * directory without write permission, a read-only or system file system. The file system names
 * the path at fault ({@link FileSystemException}); that is bad input, unlike a disk that fills up
 * during a run.
 */
public class OutputPathException extends LutBoostException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what could not be written, and why
     * @param cause the I/O error
     */
    public OutputPathException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isBadInput() {
        return true;
    }

    /**
     * Turns a failed write into the exception a user can act on: this one when the location is at
     * fault, a plain {@link LutBoostException} otherwise.
     *
     * @param what what was being written
     * @param e the error
     * @return the exception to throw
     */
    public static LutBoostException of(String what, IOException e) {
        String reason = reason(e);
        String message = "cannot write " + what + ": " + reason;
        if (!(e instanceof FileSystemException)) {
            return new LutBoostException(message, e);
        }
        return new OutputPathException(reason.contains("; choose") ? message
                : message + "; choose another output location (-o)", e);
    }

    private static String reason(IOException e) {
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + " " + (f.getReason() != null ? f.getReason() : "exists and is not a directory");
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied on " + f.getFile();
        }
        if (e instanceof NotDirectoryException f) {
            return f.getFile() + " is not a directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getFile() + ": " + f.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
