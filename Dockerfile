# abi-blame's CLI in an image: `docker run --rm -v /path/to/linux:/src abi-blame layout --tree /src --abi all --json`
FROM node:20-bookworm-slim
WORKDIR /opt/abi-blame
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
RUN npm ci --no-audit --no-fund && npm prune --omit=dev
ENTRYPOINT ["node", "/opt/abi-blame/dist/cli/main.js"]
CMD ["--help"]
