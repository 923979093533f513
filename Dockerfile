# Sigbox in one container: `sigbox up` on port 8080, state in the /var/lib/sigbox volume.
#   docker build -t sigbox .
#   docker run -e SIGBOX_KEY_PASSPHRASE -v sigbox-keys:/var/lib/sigbox-keys sigbox init --keys /var/lib/sigbox-keys
#   docker run -p 8080:8080 -e SIGBOX_KEY_PASSPHRASE -v sigbox-data:/var/lib/sigbox -v sigbox-keys:/var/lib/sigbox-keys \
#     sigbox up --host 0.0.0.0 --data /var/lib/sigbox --keys /var/lib/sigbox-keys \
#     --public-url https://sigstore.example.internal --database-url postgres://…
# docker-compose.yml runs it next to PostgreSQL.

# Build stage: the full image has python3, make and g++ for the one native addon (pkcs11js, the HSM binding).
FROM node:24-bookworm AS build
WORKDIR /app
COPY . .
# The build (`npm run build`, compiled JavaScript) is what runs, as `npm start` runs it: compiling TypeScript at run
# time would cost every thread of the process its own transpiled copy of the sources (bench/memory/README.md).
RUN npm ci --no-audit --no-fund && npm run build

# Run stage: same Debian release and Node ABI as the build stage, so the compiled addon loads.
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=root:root /app /app
# Owner-only data folder (Sigbox keeps keys in it); a new named volume takes this owner and mode.
RUN install -d -o node -g node -m 0700 /var/lib/sigbox /var/lib/sigbox-keys
VOLUME /var/lib/sigbox
VOLUME /var/lib/sigbox-keys
# The image's `node` user (uid 1000): Sigbox needs no privilege, and the sources stay read-only to it.
USER node
EXPOSE 8080
# What `npm start` runs after its build, without npm in between, so SIGTERM reaches Sigbox (graceful shutdown,
# exit 0).
# Arguments after the image name replace CMD: `docker run … sigbox init --keys /var/lib/sigbox-keys` first (the
# key ceremony, SIGBOX_KEY_PASSPHRASE in the environment), then the default `up` finds the keyring there.
ENTRYPOINT ["node", "packages/cli/bin/sigbox.mjs"]
CMD ["up", "--host", "0.0.0.0", "--data", "/var/lib/sigbox", "--keys", "/var/lib/sigbox-keys"]
