// Start Swagger UI on this page's OpenAPI document; no validator badge (it would call another host).
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-spec"),
    domNode: root,
    validatorUrl: null,
    deepLinking: false, // its links sit inside the summary buttons (nested interactive controls)
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
