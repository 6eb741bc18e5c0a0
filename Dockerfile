# slamon for docker-compose.yml: `slamon serve` (default) or the dashboard.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY monitor ./monitor
COPY collectors ./collectors
COPY dashboard ./dashboard
RUN pip install --no-cache-dir . streamlit
EXPOSE 8080
CMD ["slamon", "serve", "--host", "0.0.0.0", "--port", "8080"]
