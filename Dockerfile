# The distributed deployment's image (docker-compose.yml). Same commands as the README.
# Stage 1 bundles the browser app from the npm lock file; stage 2 is the Python image.
FROM node:20-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY scripts/build-frontend.mjs ./scripts/
COPY static ./static
RUN npm run -s build

FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY dashboard ./dashboard
COPY cluster ./cluster
COPY templates ./templates
COPY static ./static
COPY --from=frontend /app/static/dist ./static/dist
COPY manage.py ./
RUN pip install --no-cache-dir .
ENV PYTHONUNBUFFERED=1
EXPOSE 8000
CMD ["python", "manage.py", "serve", "--host", "0.0.0.0", "--port", "8000"]
