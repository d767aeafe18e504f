#!/usr/bin/env bash
# Makes the base image the service image is built from in CI, where no registry can be reached:
# a minimal Debian bookworm (debootstrap) with tini and this machine's pinned Node.js and npm in
# /usr/local, laid out as the official node image is. Kept in buildah's store (scripts/ci/buildah.sh)
# and made only when missing. Prints the image name, to pass as NODE_IMAGE.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
version=$(tr -d ' \n\r' <"$root/.node-version")
image="localhost/otk-node-base:$version"
buildah() { bash "$root/scripts/ci/buildah.sh" "$@"; }
say() { printf '[node-base] %s\n' "$*" >&2; }

# One build at a time: a second caller waits for the first and then finds the image.
lock="${OTK_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/otk/tools}/node-base.lock"
mkdir -p "$(dirname "$lock")"
exec 9>"$lock"
flock 9

if buildah inspect --type image "$image" >/dev/null 2>&1; then
  echo "$image"
  exit 0
fi

node_bin=$(bash "$root/scripts/node-bin.sh")
[ "$("$node_bin/node" --version)" = "v$version" ] || { say "the pinned Node.js $version is not at $node_bin"; exit 1; }
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
[ -f "$npm_dir/package.json" ] || { say "npm not found"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
say "debootstrap bookworm (minbase, tini, Node.js's libraries) into $work/rootfs"
debootstrap --variant=minbase --include=tini,ca-certificates,libatomic1,libstdc++6 bookworm "$work/rootfs" \
  "${OTK_DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$work/debootstrap.log" 2>&1 ||
  { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
install -D -m 0755 "$node_bin/node" "$work/rootfs/usr/local/bin/node"
mkdir -p "$work/rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$work/rootfs/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/rootfs/usr/local/bin/npx"
# The certificate authorities this machine trusts, so npm in the build reaches the registry the
# way the machine does (also through a TLS-inspecting proxy); Node.js reads them through
# NODE_EXTRA_CA_CERTS.
cp /etc/ssl/certs/ca-certificates.crt "$work/rootfs/etc/ssl/certs/ca-certificates.crt"
# The base must run its Node.js: every library the binary links is in the root filesystem.
[ "$(chroot "$work/rootfs" /usr/local/bin/node --version)" = "v$version" ] ||
  { say "Node.js does not run in the base's root filesystem"; exit 1; }
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
printf 'FROM scratch\nADD rootfs.tar /\nENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt\nCMD ["node"]\n' \
  >"$work/Containerfile"
say "committing $image"
buildah build --quiet --layers=false -f "$work/Containerfile" -t "$image" "$work" >/dev/null
echo "$image"
