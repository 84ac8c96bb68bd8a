# Every documented command runs with Kedro telemetry off and no network use.
export KEDRO_DISABLE_TELEMETRY := true
export DO_NOT_TRACK := 1
export MLFLOW_DISABLE_TELEMETRY := true
export TF_CPP_MIN_LOG_LEVEL := 2

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install browser fonts run test lint bench chatbot-quality translation-quality viz notebook mlflow-ui serve chat-web clean

install: $(STAMP)

# The environment is rebuilt when the dependency list or the pins change.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

# The browser tests drive Debian's Chromium (never a downloaded browser). Installed
# here when missing and apt-get may be used (root, as in CI); otherwise they skip.
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium chromium-driver >/dev/null; \
	else echo "chromium/chromedriver missing and apt-get not usable: browser tests will skip"; fi

# Chinese labels in the figures need a CJK font: Debian's fonts-noto-cjk, installed
# here when no CJK font is present and apt-get may be used (root, as in CI).
fonts:
	@if fc-list :lang=zh 2>/dev/null | grep -q .; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    fonts-noto-cjk >/dev/null; \
	else echo "no CJK font and apt-get not usable: Chinese labels will show as boxes"; fi

run: install fonts
	$(BIN)/kedro run --pipelines chatbot

test: install browser fonts
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/ruff check src tests benchmarks

SHARED := ../shared/data
RESULTS := benchmarks/results

# Benchmarks on the shared corpora (skipped when ../shared is absent); JSON in $(RESULTS).
bench: install
	@test -d $(SHARED) || { echo "no $(SHARED): benchmarks need the shared corpora"; exit 1; }
	$(BIN)/python benchmarks/data_prep.py $(SHARED)/chat/lost.conv --sizes 1 2 4 8 --out $(RESULTS)/data_prep.json
	$(BIN)/python benchmarks/decode.py --out $(RESULTS)/decode.json
	$(BIN)/python benchmarks/train_throughput.py $(SHARED)/chat/lost.conv --out $(RESULTS)/train_throughput.json
	$(BIN)/python benchmarks/generate.py $(SHARED)/poetry/poetry.txt $(SHARED)/shakespeare/input.txt --budget-minutes 15 --out $(RESULTS)/generate.json

# Does the chatbot chat? Trains on lost.conv for a 30-minute budget with the settings
# for real corpora and compares the model with count baselines
# (docs/benchmarks.md, "Chatbot quality"). BUDGET=10 for a shorter trial.
BUDGET ?= 30
chatbot-quality: install
	@test -d $(SHARED) || { echo "no $(SHARED): benchmarks need the shared corpora"; exit 1; }
	$(BIN)/python benchmarks/chatbot_quality.py $(SHARED)/chat/lost.conv \
	  --params conf/real_corpus/parameters_chatbot.yml --budget-minutes $(BUDGET) \
	  --out $(RESULTS)/chatbot_quality.json

# Does the translator translate? `kedro run --pipelines translation --env real_corpus`
# on Anki's English-Greek pairs in a copy of the project (12-minute training budget),
# then its test scores and replies (docs/translation.md).
translation-quality: install
	@test -d $(SHARED) || { echo "no $(SHARED): benchmarks need the shared corpora"; exit 1; }
	$(BIN)/python benchmarks/translation_quality.py $(SHARED)/translation/ell.txt \
	  --env real_corpus --out $(RESULTS)/translation_quality.json

# kedro-viz serves from a child process that outlives a SIGTERM to `kedro`: run in a
# process group of its own, stopping it (or make) stops the server too.
viz: install
	$(BIN)/python -m rnn_pipeline.process_group \
	  $(BIN)/kedro viz run --host 127.0.0.1 --port 4141 --no-browser

# Jupyter from the project's own dependencies (the dev extra), on notebooks/, with
# no network use (no extension catalogue, no update check); as root (CI, containers)
# Jupyter refuses to start without --allow-root.
notebook: install
	$(BIN)/jupyter notebook --ip 127.0.0.1 --port 8888 --no-browser \
	  --ServerApp.root_dir=notebooks --LabApp.extension_manager=readonly \
	  --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
	  $(if $(filter 0,$(shell id -u)),--allow-root)

serve: install
	$(BIN)/kedro serve --namespace chatbot --host 127.0.0.1 --port 5001

# The chat page on http://127.0.0.1:5002/; MODEL=... and COMPARE=... choose models
# (run id, registered version, alias or Kedro version), COMPARE side by side.
chat-web: install
	$(BIN)/kedro chat-web --host 127.0.0.1 --port 5002 $(if $(MODEL),--model $(MODEL)) $(if $(COMPARE),--compare $(COMPARE))

mlflow-ui: install
	$(BIN)/mlflow ui --backend-store-uri sqlite:///mlflow.db --host 127.0.0.1 --port 5000

clean:
	rm -rf $(VENV) mlflow.db mlartifacts mlruns
