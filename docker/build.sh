#!/usr/bin/env bash
# Production build of the spark-jobs image: the application jar, the Graviton readiness audit,
# then one multi-arch image (linux/amd64 + linux/arm64) pushed to the registry given.
#
#   docker/build.sh 111122223333.dkr.ecr.eu-west-1.amazonaws.com/spark-jobs[:TAG]
#
# TAG defaults to the git revision. Needs Docker with buildx and a builder that can build arm64
# (Docker Desktop, or: docker buildx create --use && docker run --privileged --rm tonistiigi/binfmt --install arm64),
# and to be logged in to the registry (aws ecr get-login-password | docker login ...).
# Environment: BASE_IMAGE (default: the Dockerfile's EMR 7.12.0 image), SKIP_JAR_BUILD=1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${1:?usage: $0 REGISTRY/REPOSITORY[:TAG]}"
REVISION="$(git -C "$ROOT" rev-parse --short HEAD)"
[[ "${TARGET##*/}" == *:* ]] || TARGET="$TARGET:$REVISION"
VERSION="$(cd "$ROOT" && ./mvnw -q -N help:evaluate -Dexpression=project.version -DforceStdout 2>/dev/null || echo unknown)"
APP_JAR="$ROOT/app/target/spark-jobs.jar"

if [[ "${SKIP_JAR_BUILD:-}" != "1" ]]; then
  (cd "$ROOT" && ./mvnw -B -q -ntp -DskipTests package -pl app -am)
fi
# The image adds one jar (Spark, Hadoop and Delta come with the EMR base image): audit it.
java -cp "$APP_JAR" dev.sparkjobs.internal.deploy.NativeLibraryAudit "$APP_JAR"

BASE_ARGS=()
[[ -n "${BASE_IMAGE:-}" ]] && BASE_ARGS=(--build-arg "BASE_IMAGE=$BASE_IMAGE")
docker buildx build \
  --platform linux/amd64,linux/arm64 \
  --file "$ROOT/docker/Dockerfile" \
  "${BASE_ARGS[@]}" \
  --build-arg "VERSION=$VERSION" \
  --build-arg "REVISION=$(git -C "$ROOT" rev-parse HEAD)" \
  --build-arg "SOURCE=$(git -C "$ROOT" config --get remote.origin.url || echo https://github.com/example/spark-jobs)" \
  --tag "$TARGET" \
  --push \
  "$ROOT"
echo "Pushed $TARGET (linux/amd64, linux/arm64). Render requests for it with:"
echo "  SPARK_JOBS_IMAGE_URI=$TARGET bin/spark-jobs render emr-on-eks JOB --date YYYY-MM-DD --env ENV"
