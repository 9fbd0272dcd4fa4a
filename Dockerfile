# abi-blame in an image. By default it runs the nightly index of a kernel mirror mounted at /repo
# into the database named by DATABASE_URL (the same command as the README's cron example):
#   docker run --rm -v /srv/linux.git:/repo -e DATABASE_URL=postgres://... abi-blame
# Any other command works too: docker run --rm abi-blame layout --tree /src --abi all --json
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/abi-blame
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY migrations ./migrations
COPY queries ./queries
# npm ci builds dist/ (the prepare script, with the devDependencies); then they and npm's cache go.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev && npm cache clean --force
# The mirror belongs to another user than the container's: let git read it.
RUN git config --system --add safe.directory '*'
# As the installed command's first line sets it: one malloc arena, 134 MiB less peak memory than two
# over the whole synthetic history, at the same speed (BENCHMARKS.md).
ENV MALLOC_ARENA_MAX=1
ENTRYPOINT ["node", "/opt/abi-blame/dist/cli/main.js"]
CMD ["index", "/repo", "--fetch", "--wait", "--quiet"]
