# Multi-stage build: compile with the Rust toolchain, run from a small Debian image as a
# non-root user. SQLite is compiled into the binary; nothing else is needed at run time.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /var/lib/kontaktnav --create-home kontaktnav
COPY --from=build /src/target/release/kontaktnav /usr/local/bin/kontaktnav
USER kontaktnav
# Listens on every interface inside the container. There is no authentication yet (issue #3):
# publish the port on loopback only (as docker-compose.yml does). No demo data unless asked.
ENV BIND=0.0.0.0:8080 \
    DATABASE_URL=sqlite:///var/lib/kontaktnav/kontaktnav.db \
    DEMO_DATA=false \
    RUST_LOG=info
EXPOSE 8080
VOLUME ["/var/lib/kontaktnav"]
ENTRYPOINT ["kontaktnav"]
CMD ["serve"]
