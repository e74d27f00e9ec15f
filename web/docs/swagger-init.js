// Swagger UI for authd's own OpenAPI document. "Try it out" runs against this server with the
// browser's session cookie; the CSRF token is taken from the answers that carry one (login,
// GET /auth/csrf, password change) and sent as X-CSRF-Token on every state-changing call, as a
// single-page application would do it.
"use strict";

(function () {
  let csrfToken = null;

  function rememberCsrfToken(response) {
    const body = response && response.body;
    if (body && typeof body.csrf_token === "string") {
      csrfToken = body.csrf_token;
    }
    return response;
  }

  function addCsrfHeader(request) {
    const method = (request.method || "GET").toUpperCase();
    const safe = method === "GET" || method === "HEAD" || method === "OPTIONS";
    if (!safe && csrfToken && !request.headers["X-CSRF-Token"]) {
      request.headers["X-CSRF-Token"] = csrfToken;
    }
    request.credentials = "same-origin";
    return request;
  }

  window.addEventListener("load", function () {
    window.ui = SwaggerUIBundle({
      url: "/openapi.json",
      dom_id: "#swagger-ui",
      deepLinking: true,
      withCredentials: true,
      presets: [SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
      requestInterceptor: addCsrfHeader,
      responseInterceptor: rememberCsrfToken,
    });
  });
})();
