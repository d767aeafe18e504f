# The commands a developer types. `make up` runs the whole product locally; `make test` runs all tests.
.PHONY: up down test install build typecheck lint format migrate clean

up:
	@bash scripts/dev/up.sh

down:
	@bash scripts/dev/down.sh

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
