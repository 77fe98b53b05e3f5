# The distributed deployment's image (docker-compose.yml). Same commands as the README.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY dashboard ./dashboard
COPY cluster ./cluster
COPY templates ./templates
COPY static ./static
COPY manage.py ./
RUN pip install --no-cache-dir .
ENV PYTHONUNBUFFERED=1
EXPOSE 8000
CMD ["python", "manage.py", "serve", "--host", "0.0.0.0", "--port", "8000"]
