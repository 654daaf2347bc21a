#!/usr/bin/env bash
# Builds the two container images from the repository root:
#   monitorgrid/silo:TAG  (silo/Dockerfile)   and   monitorgrid/web:TAG  (web/Dockerfile)
# Usage: scripts/build-images.sh [TAG] [--push]
#   TAG defaults to the commit's short hash. With REGISTRY=registry.example.cn/city the images are named
#   $REGISTRY/monitorgrid/silo:TAG and so on; --push pushes them there.
set -euo pipefail
cd "$(dirname "$0")/.."

tag=""
push=false
for argument in "$@"; do
  case "$argument" in
    --push) push=true ;;
    -*) echo "unknown option: $argument" >&2; exit 64 ;;
    *) tag="$argument" ;;
  esac
done
tag="${tag:-$(git rev-parse --short HEAD)}"
prefix="${REGISTRY:+$REGISTRY/}"

for component in silo web; do
  image="${prefix}monitorgrid/${component}:${tag}"
  echo "building ${image} from ${component}/Dockerfile"
  docker build --file "${component}/Dockerfile" --tag "${image}" .
  if [ "$push" = true ]; then
    docker push "${image}"
  fi
done
