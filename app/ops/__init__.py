"""Running Vitrina in production: health checks, metrics, structured logs, the web processes."""
