# Passerelle — the project's vocabulary. Every target works on a fresh machine
# with Go installed; the Go toolchain the module names is fetched on first use.
export GOTOOLCHAIN := go1.27.3

GO          ?= go
BIN         := bin/passerelle
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
ADDR        ?= 127.0.0.1:8080

.PHONY: run build build-prod test test-short e2e lint fmt bench fuzz clean help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

run: build ## serve http://localhost:8080 with the embedded store and the demo data
	PASSERELLE_ADDR=$${PASSERELLE_ADDR:-$(ADDR)} PASSERELLE_SEED=$${PASSERELLE_SEED:-true} ./$(BIN) serve

build: ## build bin/passerelle (with the embedded store)
	$(GO) build -o $(BIN) ./cmd/passerelle

build-prod: ## build bin/passerelle without the embedded store (needs PASSERELLE_MONGO_URI)
	$(GO) build -tags noembedded -trimpath -o $(BIN) ./cmd/passerelle

test: ## run every test (integration tests on the embedded store, or PASSERELLE_TEST_MONGO_URI)
	$(GO) test -count=1 -timeout 15m ./...

test-short: ## skip the slow tests
	$(GO) test -short -count=1 ./...

e2e: ## browser tests in headless Chromium with axe-core (needs chromium and npm; .ci/run installs them)
	cd scripts/e2e && npm ci --no-audit --no-fund --silent
	$(GO) test -count=1 -tags e2e -run '^TestBrowser' -timeout 20m ./cmd/passerelle/

lint: ## go vet and staticcheck at a pinned version
	$(GO) vet ./...
	$(GO) vet -tags noembedded ./...
	$(GO) run $(STATICCHECK) ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

fmt: ## format the code
	gofmt -w $$(git ls-files '*.go')

fuzz: ## fuzz the request decoding briefly (CI runs it)
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeRequest$$' -fuzztime $${FUZZTIME:-20s} ./internal/server/

bench: ## benchmarks (results go to docs/benchmarks.md by hand, with the machine)
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m ./...

clean: ## remove build output and local data (var/)
	rm -rf bin test-output var
