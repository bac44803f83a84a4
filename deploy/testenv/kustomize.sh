#!/usr/bin/env bash
# Print the path of a kustomize binary, building it with `go install` (from the Go module
# proxy, ~30 s on 2 cores) into .venv/bin the first time. Used by tests/deploy/test_k8s.py
# and `make k8s-render`.
set -euo pipefail
VERSION=v5.5.0
repo="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$repo/.venv/bin"
for candidate in "$bin/kustomize" "$(command -v kustomize || true)" "$(go env GOPATH 2>/dev/null)/bin/kustomize"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
        echo "$candidate"
        exit 0
    fi
done
command -v go >/dev/null || { echo "kustomize is missing and Go is not installed to build it" >&2; exit 1; }
mkdir -p "$bin"
GOBIN="$bin" GOFLAGS=-mod=mod go install "sigs.k8s.io/kustomize/kustomize/v5@$VERSION" >&2
echo "$bin/kustomize"
