package io.floe.control.api;

import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/** The 401 and 403 answers of the security filters, as problem responses like every other error. */
public final class ProblemResponses {
  private ProblemResponses() {}

  public static AuthenticationEntryPoint unauthorized() {
    return (request, response, exception) -> {
      response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
      write(
          response,
          401,
          ProblemType.UNAUTHORIZED,
          request.getHeader(HttpHeaders.AUTHORIZATION) == null
              ? "A bearer token is required (Authorization: Bearer <token>)"
              : "The bearer token is not valid");
    };
  }

  public static AccessDeniedHandler forbidden() {
    return (request, response, exception) ->
        write(
            response,
            403,
            ProblemType.FORBIDDEN,
            "Your role does not allow "
                + request.getMethod()
                + " "
                + request.getRequestURI()
                + " (viewers read; operators also start, stop, restart and rescale; admins also"
                + " create, change and delete)");
  }

  private static void write(
      HttpServletResponse response, int status, ProblemType type, String detail)
      throws java.io.IOException {
    response.setStatus(status);
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response
        .getWriter()
        .write(
            "{\"type\":\""
                + type.uri()
                + "\",\"title\":\""
                + type.title()
                + "\",\"status\":"
                + status
                + ",\"detail\":\""
                + detail.replace("\"", "\\\"")
                + "\"}");
  }
}
