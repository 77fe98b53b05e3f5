// Entry point of the browser app (bundled by scripts/build-frontend.mjs).
import "./app.css";
