#!/usr/bin/env bash
# A rollout of MonitorGrid to Kubernetes (docs/operations.md):
#   scripts/deploy.sh dev  [TAG]   the dev overlay: PostgreSQL in the namespace; missing Secrets are made here
#   scripts/deploy.sh prod TAG     the prod overlay: external PostgreSQL; the Secret must exist already
# With REGISTRY set the images are taken from $REGISTRY/monitorgrid/{silo,web}:TAG.
# Steps: delete the previous migration Job (a Job's template cannot change), apply the overlay with the tag
# (Job and Deployments together: new pods wait until the Job has migrated the schema), wait for the Job,
# then for both Deployments. Needs kubectl (with its built-in kustomize) and a current context.
set -euo pipefail
cd "$(dirname "$0")/.."

environment="${1:-}"
case "$environment" in
  dev) namespace=monitorgrid-dev; tag="${2:-dev}" ;;
  prod) namespace=monitorgrid; tag="${2:?a release tag is required for prod, e.g. scripts/deploy.sh prod 1.4.0}" ;;
  *) echo "usage: scripts/deploy.sh dev|prod [TAG]" >&2; exit 64 ;;
esac
prefix="${REGISTRY:+$REGISTRY/}"

random() { head -c 48 /dev/urandom | base64 | tr -d '\n/+='; }

kubectl get namespace "$namespace" >/dev/null 2>&1 || kubectl create namespace "$namespace"

if ! kubectl -n "$namespace" get secret monitorgrid >/dev/null 2>&1; then
  if [ "$environment" = prod ]; then
    echo "The Secret 'monitorgrid' is missing in namespace $namespace. Create it first (docs/operations.md):" >&2
    echo "  kubectl -n $namespace create secret generic monitorgrid --from-literal=connection-string=... \\" >&2
    echo "    --from-literal=signing-key=\"\$(openssl rand -base64 48)\" --from-literal=admin-password=..." >&2
    exit 1
  fi
  echo "creating the dev Secrets with random values (admin password: kubectl -n $namespace get secret monitorgrid -o jsonpath='{.data.admin-password}' | base64 -d)"
  postgres_password="$(random)"
  kubectl -n "$namespace" create secret generic monitorgrid-postgres --from-literal=password="$postgres_password"
  kubectl -n "$namespace" create secret generic monitorgrid \
    --from-literal=connection-string="Host=postgres;Port=5432;Database=monitorgrid;Username=monitorgrid;Password=${postgres_password}" \
    --from-literal=signing-key="$(random)" \
    --from-literal=admin-password="$(random | head -c 16)"
fi

# The overlay with this rollout's images, through a throwaway kustomization that only sets them (inside k8s/:
# kustomize takes only relative paths to other kustomizations).
work="$(mktemp -d k8s/.rollout.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cat > "$work/kustomization.yaml" <<YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../overlays/$environment
images:
  - name: monitorgrid/silo
    newName: ${prefix}monitorgrid/silo
    newTag: "$tag"
  - name: monitorgrid/web
    newName: ${prefix}monitorgrid/web
    newTag: "$tag"
YAML

kubectl -n "$namespace" delete job monitorgrid-migrate --ignore-not-found --wait=true
kubectl apply -k "$work"
echo "waiting for the schema migration..."
kubectl -n "$namespace" wait --for=condition=complete job/monitorgrid-migrate --timeout=15m
kubectl -n "$namespace" rollout status deployment/monitorgrid-silo --timeout=20m
kubectl -n "$namespace" rollout status deployment/monitorgrid-web --timeout=20m
echo "MonitorGrid ${tag} is rolled out in ${namespace}."
