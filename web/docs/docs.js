// The API reference at /docs/: Swagger UI (swagger-ui-dist from npm, pinned
// by package-lock.json and bundled by build.mjs) over the server's own
// /openapi.json. Nothing is fetched from anywhere else: no validator badge,
// no fonts, no CDN.
import SwaggerUIBundle from 'swagger-ui-dist/swagger-ui-bundle.js';

window.glintDocs = SwaggerUIBundle({
  url: new URL('../openapi.json', window.location.href).href,
  dom_id: '#api',
  validatorUrl: null,
  docExpansion: 'list',
  deepLinking: true,
  defaultModelsExpandDepth: 0,
  displayOperationId: false,
  tryItOutEnabled: false,
  onComplete: () => { document.body.dataset.docs = 'ready'; },
});
