# The commands a developer types. `make up` runs the whole product locally; `make test` runs all tests.
.PHONY: up down test install build typecheck lint format migrate clean

# Every recipe runs under the pinned Node.js (.node-version), installed into a cache when missing.
NODE_BIN := $(shell bash scripts/node-bin.sh)
ifeq ($(NODE_BIN),)
$(error could not provide the Node.js version in .node-version; see the messages above)
endif
export PATH := $(NODE_BIN):$(PATH)

up:
	@bash scripts/dev/up.sh

down:
	@bash scripts/dev/down.sh

# Every service's migration job against the local stack (the chart runs them as hook Jobs).
migrate:
	@bash scripts/dev/migrate.sh

install:
	npm ci --no-audit --no-fund

test:
	@bash scripts/ensure-infra.sh
	npm test

build:
	npm run build

typecheck:
	npm run typecheck

lint:
	npm run lint

format:
	npm run format

clean:
	rm -rf packages/*/dist services/*/dist site/dist .otk
