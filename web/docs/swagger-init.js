// Swagger UI for authd's own OpenAPI document. "Try it out" runs against this server with the
// browser's session cookie. The CSRF token is the `csrfToken` security scheme (X-CSRF-Token):
// whenever an answer carries a token (login, GET /auth/csrf, password change) it is filled in
// as that scheme's value, so the state-changing operations just work, as in a single-page app.
"use strict";

(function () {
  function rememberCsrfToken(response) {
    const body = response && response.body;
    if (body && typeof body.csrf_token === "string" && window.ui) {
      window.ui.preauthorizeApiKey("csrfToken", body.csrf_token);
    }
    return response;
  }

  function sameOriginCredentials(request) {
    request.credentials = "same-origin";
    return request;
  }

  window.addEventListener("load", function () {
    window.ui = SwaggerUIBundle({
      url: "/openapi.json",
      dom_id: "#swagger-ui",
      deepLinking: true,
      presets: [SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
      requestInterceptor: sameOriginCredentials,
      responseInterceptor: rememberCsrfToken,
    });
  });
})();
