#!/usr/bin/env bash
# Prepares the compiler truth the tests compare against, in $ABI_BLAME_CACHE (~/.cache/abi-blame):
#   linux-source-6.1/  Debian's linux-source-6.1, extracted
#   hdr/<arch>/        `make ARCH=<arch> headers_install` for the 7 kernel architectures of the 13 ABIs
#   truth/6.1/         clang 14's layouts of every record and the kvm.h macro values, per ABI
# Installs clang and linux-source-6.1 with apt-get when they are missing. Idempotent: what exists is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=${ABI_BLAME_CACHE:-$HOME/.cache/abi-blame}
mkdir -p "$cache"

need=()
command -v clang >/dev/null || need+=(clang)
[ -f /usr/src/linux-source-6.1.tar.xz ] || need+=(linux-source-6.1)
command -v make >/dev/null || need+=(make)
command -v gcc >/dev/null || need+=(gcc)
if [ ${#need[@]} -gt 0 ]; then
  echo "prepare-linux: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi

src=$cache/linux-source-6.1
if [ ! -f "$src/Makefile" ]; then
  echo "prepare-linux: extracting linux-source-6.1"
  tar -C "$cache" -xf /usr/src/linux-source-6.1.tar.xz
fi

for arch in x86 arm64 arm riscv s390 powerpc mips; do
  if [ ! -f "$cache/hdr/$arch/include/linux/kvm.h" ]; then
    echo "prepare-linux: headers_install ARCH=$arch"
    make -s -C "$src" ARCH="$arch" headers_install INSTALL_HDR_PATH="$cache/hdr/$arch" >/dev/null
  fi
done

# Truth made by another version of the generators is stale: start over.
stamp=$(cat scripts/truth/*.ts | sha1sum | cut -c1-16)
if [ -d "$cache/truth/6.1" ] && [ "$(cat "$cache/truth/6.1/.stamp" 2>/dev/null)" != "$stamp" ]; then
  echo "prepare-linux: truth generators changed; regenerating"
  rm -rf "$cache/truth/6.1"
fi

missing=()
for abi in x86_64 i386 x32 aarch64 arm riscv64 riscv32 s390x ppc64le ppc64 ppc32 mips mips64; do
  [ -f "$cache/truth/6.1/$abi.json" ] || missing+=("$abi")
done
if [ ${#missing[@]} -gt 0 ]; then
  list=$(IFS=,; echo "${missing[*]}")
  echo "prepare-linux: clang layout truth for $list (takes a few minutes per ABI)"
  npx tsx scripts/truth/gen-layouts.ts --abi "$list"
fi
if ! ls "$cache"/truth/6.1/macros-*.json >/dev/null 2>&1; then
  echo "prepare-linux: clang macro truth"
  npx tsx scripts/truth/gen-macros.ts --abi all
fi
echo "$stamp" > "$cache/truth/6.1/.stamp"
