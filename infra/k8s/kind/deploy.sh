#!/usr/bin/env bash
# Deploys Sawmill on the Kind cluster made from infra/k8s/kind/cluster.yaml: the Strimzi and KEDA
# operators (Helm), then the kind overlay, then waits until Kafka, the topics, the stores and every
# Sawmill workload are ready. Idempotent: run it again after a change. The image `sawmill:kind`
# must be loaded on the nodes first (docs/operations.md). Needs kubectl >= 1.27 and helm 3.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."

NS=sawmill
STRIMZI_VERSION="${STRIMZI_VERSION:-0.45.0}"
KEDA_VERSION="${KEDA_VERSION:-2.16.1}"
TIMEOUT="${TIMEOUT:-600s}"

say() { echo "[deploy] $*" >&2; }

# Strimzi watches the sawmill namespace, so it must exist before the operator is installed.
kubectl create namespace "$NS" --dry-run=client -o yaml | kubectl apply -f -

say "Strimzi $STRIMZI_VERSION"
helm upgrade --install strimzi oci://quay.io/strimzi-helm/strimzi-kafka-operator \
  --version "$STRIMZI_VERSION" --namespace strimzi --create-namespace \
  --set "watchNamespaces={$NS}" --wait --timeout "$TIMEOUT"

say "KEDA $KEDA_VERSION"
helm repo add kedacore https://kedacore.github.io/charts --force-update >/dev/null
helm upgrade --install keda kedacore/keda --version "$KEDA_VERSION" \
  --namespace keda --create-namespace --wait --timeout "$TIMEOUT"

# The API's JWT key set: generated once per cluster, never committed (infra/deploy/api-auth.sh).
if ! kubectl -n "$NS" get secret sawmill-api-auth >/dev/null 2>&1; then
  say "generating the API's JWT key set (Secret sawmill-api-auth)"
  infra/deploy/api-auth.sh | kubectl -n "$NS" create secret generic sawmill-api-auth --from-file=auth.yaml=/dev/stdin
fi

say "checking the overlay against the API server (strict field validation), then applying it"
kubectl apply -k infra/k8s/overlays/kind --dry-run=server --validate=strict >/dev/null
kubectl apply -k infra/k8s/overlays/kind

say "waiting for Kafka (3 KRaft nodes)"
kubectl -n "$NS" wait kafka/sawmill --for=condition=Ready --timeout="$TIMEOUT"
for sts in postgres opensearch redis; do kubectl -n "$NS" rollout status "statefulset/$sts" --timeout="$TIMEOUT"; done
say "waiting for the topics"
kubectl -n "$NS" wait job/topics-reconcile --for=condition=Complete --timeout="$TIMEOUT"
for deploy in registry stream sink-opensearch sink-postgres notifier api maildev demo; do
  kubectl -n "$NS" rollout status "deployment/$deploy" --timeout="$TIMEOUT"
done
kubectl -n "$NS" rollout status daemonset/agent --timeout="$TIMEOUT"
kubectl -n "$NS" wait scaledobject --all --for=condition=Ready --timeout="$TIMEOUT"
say "Sawmill is up: http://127.0.0.1:8080"
