#!/usr/bin/env bash
# Builds the image that runs every process (deploy/Containerfile) on this machine, without a
# registry or a Docker engine: buildah (vfs storage, chroot isolation), FROM a base made here
# from Debian packages (debootstrap minbase + the project's node binary: node_modules/.bin/node,
# the Node package.json pins, which is also the `node` npm scripts find first on PATH).
#   deploy/images.sh            stage + base (when missing) + image (when its inputs changed)
#   deploy/images.sh --stage    only stage the build context (for `docker build` elsewhere)
# Prints the image's name (localhost/bounded:<tag>) as its last line and writes
# $K8S_WORK/images/bounded-<tag>.tar (a docker-archive for `ctr images import`).
# Every heavy step runs at nice 19. Env: K8S_CACHE (base rootfs, default ~/.cache/bounded-k8s),
# K8S_WORK (default .tmp/k8s), DEBIAN_MIRROR, NODE_BIN (default: the project's node, else the one on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
K8S_CACHE=${K8S_CACHE:-$HOME/.cache/bounded-k8s}
K8S_WORK=${K8S_WORK:-$PWD/.tmp/k8s}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=${SUITE:-bookworm}
NODE_BIN=$(readlink -f "${NODE_BIN:-$(PATH="$PWD/node_modules/.bin:$PATH" command -v node)}")
export STORAGE_DRIVER=vfs BUILDAH_ISOLATION=chroot
log() { echo "deploy/images.sh: $*" >&2; }

context=$K8S_WORK/context
log "staging the build context in $context"
nice -n 19 "$NODE_BIN" --import tsx deploy/stage.ts "$context" >/dev/null
[ "${1:-}" = --stage ] && { echo "$context"; exit 0; }

for tool in buildah debootstrap; do
  command -v "$tool" >/dev/null || {
    log "installing buildah and debootstrap (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends buildah debootstrap >&2 ||
      { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends buildah debootstrap >&2; }
    break
  }
done

# The base: Debian minbase, trimmed, with node. Named after the node binary's version and hash,
# so a new node makes a new base.
node_version=$("$NODE_BIN" --version)
node_sum=$(sha256sum "$NODE_BIN" | cut -c1-12)
TRIM=2 # bumped when what is trimmed from the rootfs changes
base=localhost/bounded-base:$SUITE-t$TRIM-node${node_version#v}-$node_sum
if ! buildah inspect --type image "$base" >/dev/null 2>&1; then
  rootfs=$K8S_CACHE/rootfs-$SUITE
  if [ ! -x "$rootfs/bin/sh" ] || [ ! -e "$rootfs/.bounded-complete" ]; then
    log "debootstrap --variant=minbase $SUITE (about a minute)"
    rm -rf "$rootfs"
    mkdir -p "$K8S_CACHE"
    nice -n 19 debootstrap --variant=minbase "$SUITE" "$rootfs" "$DEBIAN_MIRROR" >"$K8S_CACHE/debootstrap.log" 2>&1 ||
      { tail -20 "$K8S_CACHE/debootstrap.log" >&2; exit 1; }
    touch "$rootfs/.bounded-complete"
  fi
  # What a container that runs node never uses: docs, locales, perl, iconv modules, caches.
  rm -rf "$rootfs"/usr/share/{doc,man,info,locale,lintian,common-licenses,bash-completion} \
    "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/* \
    "$rootfs"/usr/share/zoneinfo/right "$rootfs"/usr/share/perl5 "$rootfs"/usr/lib/x86_64-linux-gnu/perl-base \
    "$rootfs"/usr/bin/perl* "$rootfs"/usr/lib/x86_64-linux-gnu/gconv "$rootfs"/var/cache/debconf/*-old \
    "$rootfs"/var/lib/dpkg/*-old
  log "making $base"
  ctr=$(buildah from scratch)
  tar -C "$rootfs" --exclude=./.bounded-complete -cf "$K8S_WORK/rootfs.tar" .
  buildah add "$ctr" "$K8S_WORK/rootfs.tar" / >/dev/null
  buildah copy --chmod 0755 "$ctr" "$NODE_BIN" /usr/local/bin/node >/dev/null
  buildah config --env PATH=/usr/local/bin:/usr/bin:/bin --cmd '["node"]' "$ctr"
  buildah commit --rm "$ctr" "$base" >/dev/null
  rm -f "$K8S_WORK/rootfs.tar"
fi

# The image's tag: the hash of what goes into it (the context, the Containerfile, the base).
tag=$( (cd "$context" && find . -type f -print0 | sort -z | xargs -0 sha256sum; sha256sum "$OLDPWD/deploy/Containerfile"; echo "$base") |
  sha256sum | cut -c1-12)
image=localhost/bounded:$tag
archive=$K8S_WORK/images/bounded-$tag.tar
if ! buildah inspect --type image "$image" >/dev/null 2>&1; then
  log "building $image"
  nice -n 19 buildah bud --layers=false --build-arg "BASE=$base" -f deploy/Containerfile -t "$image" "$context" >&2
fi
if [ ! -s "$archive" ]; then
  mkdir -p "$K8S_WORK/images"
  rm -f "$K8S_WORK"/images/bounded-*.tar
  buildah push "$image" "docker-archive:$archive.tmp:$image" >&2 && mv "$archive.tmp" "$archive"
fi
# Older builds of the image and of the base are only disk space now.
buildah images --format '{{.Name}}:{{.Tag}}' | grep -E '^localhost/bounded(-base)?:' |
  grep -vx -e "$image" -e "$base" | xargs -r buildah rmi >/dev/null 2>&1 || true
log "$image: $(du -m "$archive" | cut -f1) MB (docker-archive)"
echo "$image"
