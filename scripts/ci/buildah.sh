#!/usr/bin/env bash
# buildah as CI uses it: no daemon, vfs storage and chroot isolation (no overlay or user namespaces
# needed), its images in a store of its own under the tools cache, apart from anything else on the
# machine. Usage: bash scripts/ci/buildah.sh <buildah arguments>
set -euo pipefail
store="${OTK_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/otk/tools}/containers"
mkdir -p "$store/storage" "$store/run"
export BUILDAH_ISOLATION=chroot
exec buildah --root "$store/storage" --runroot "$store/run" --storage-driver vfs "$@"
