"""The evaluation harness on tiny fixtures."""

import importlib.util
import json

import pytest

from newsstance.cli import main
from newsstance.eval import bootstrap_ci, calibration, classification_metrics, evaluate, load_benchmark
from newsstance.eval.baselines import MajorityBaseline
from newsstance.eval.export import passes_check
from newsstance.eval.probes import PROBES_FILE, load_probes


def test_metrics_against_hand_computed_values():
    gold = ["negative", "negative", "neutral", "positive", "positive", "neutral"]
    pred = ["negative", "neutral", "neutral", "negative", "negative", "neutral"]  # positive never predicted
    m = classification_metrics(gold, pred)
    # negative: P 1/3 R 1/2 F 0.4; neutral: P 2/3 R 1 F 0.8; positive: 0
    assert m["per_class"]["negative"]["f1"] == pytest.approx(0.4)
    assert m["per_class"]["neutral"]["f1"] == pytest.approx(0.8)
    assert m["per_class"]["positive"]["f1"] == 0.0
    assert m["f1m"] == pytest.approx((0.4 + 0.8 + 0.0) / 3)
    assert m["accuracy"] == pytest.approx(3 / 6)
    assert m["f1_posneg"] == pytest.approx(0.2)
    assert m["confusion"] == [[1, 1, 0], [0, 2, 0], [2, 0, 0]]
    with pytest.raises(ValueError, match="pair up"):
        classification_metrics(gold, pred[:-1])


def test_bootstrap_is_reproducible_and_brackets_the_point_estimate():
    gold = ["negative", "neutral", "positive"] * 30
    pred = ["negative", "neutral", "neutral"] * 30
    a, b = bootstrap_ci(gold, pred, n_resamples=200, seed=3), bootstrap_ci(gold, pred, n_resamples=200, seed=3)
    assert a == b
    point = classification_metrics(gold, pred)["f1m"]
    assert a["f1m"][0] < point < a["f1m"][1]
    assert bootstrap_ci(gold, pred, n_resamples=200, seed=4) != a


def test_calibration_of_perfect_and_overconfident_predictions():
    gold = ["negative", "positive"]
    certain = [{"negative": 1.0, "neutral": 0.0, "positive": 0.0}, {"negative": 0.0, "neutral": 0.0, "positive": 1.0}]
    assert calibration(gold, certain)["ece"] == pytest.approx(0.0)
    wrong = [{"negative": 0.0, "neutral": 0.0, "positive": 1.0}] * 2
    assert calibration(gold, wrong)["ece"] == pytest.approx(0.5)


@pytest.fixture
def bench_files(tmp_path):
    native = tmp_path / "native.jsonl"
    native.write_text(
        json.dumps(
            {
                "primary_gid": "x",
                "sentence_normalized": "the minister said ruiz was wrong",
                "targets": [
                    {"from": 18, "to": 22, "mention": "ruiz", "polarity": 2.0},
                    {
                        "from": 4,
                        "to": 12,
                        "mention": "minister",
                        "polarity": 4.0,
                        "further_mentions": [{"from": 0, "to": 3, "mention": "the"}],
                    },
                ],
            }
        )
        + "\n"
    )
    flat = tmp_path / "flat.jsonl"
    flat.write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {"text": "ruiz won praise", "start": 0, "end": 4, "label": 1},
                {"text": "the party lost", "start": 4, "end": 9, "label": "negative"},
                {"text": "ruiz spoke", "start": 0, "end": 4, "label": "0"},
            ]
        )
        + "\n"
    )
    return native, flat


def test_both_file_formats(bench_files):
    native, flat = bench_files
    b = load_benchmark(str(native))
    assert b.gold == ["negative", "neutral"]
    assert b.examples[1].spans == ((0, 3), (4, 12))
    f = load_benchmark(str(flat))
    assert f.gold == ["positive", "negative", "neutral"]
    assert f.examples[1].target == "party"


def test_unknown_benchmark_lists_the_names(tmp_path):
    with pytest.raises(ValueError, match="newsmtsc-test-rw"):
        load_benchmark("imdb")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"sentence": "x"}) + "\n")
    with pytest.raises(ValueError, match="unknown format"):
        load_benchmark(str(bad))


@pytest.mark.slow
def test_results_files_and_fail_under(tiny_model_dir, bench_files, tmp_path, capsys):
    native, flat = bench_files
    out = tmp_path / "results"
    report = evaluate(models=[str(tiny_model_dir)], benchmarks=[str(native), str(flat)], probes=True, out=out)
    names = {p.name for p in out.iterdir()}
    assert {"results.json", "results.md", "errors.jsonl"} <= names
    assert sum(n.startswith("confusion_") for n in names) == 2
    assert any(n.startswith("reliability_") for n in names)
    entry = report["systems"][tiny_model_dir.name]
    assert set(entry["benchmarks"]) == {"native", "flat"}
    assert entry["probes"]["n"] == len(load_probes())
    md = (out / "results.md").read_text()
    assert "F1m [95% CI]" in md and "Behavioural probes" in md
    args = ["evaluate", "--model", str(tiny_model_dir), "--benchmark", str(flat)]
    assert main([*args, "--fail-under", "1.01"]) == 1
    assert main([*args, "--fail-under", "0.0"]) == 0
    assert main(["evaluate", "--model", str(tiny_model_dir), "--benchmark", "imdb"]) == 2


def test_majority_baseline_counts_train(tmp_path):
    train = tmp_path / "train.jsonl"
    lines = [
        {"sentence_normalized": "Ana Ruiz won.", "targets": [{"from": 0, "to": 8, "polarity": p}]}
        for p in (2.0, 4.0, 4.0)
    ]
    train.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    baseline = MajorityBaseline.from_newsmtsc(train)
    assert baseline.label == "neutral"
    assert [s.label for s in baseline.classify_many([("a", "a")] * 2)] == ["neutral", "neutral"]


def test_probe_suite_is_well_formed():
    probes = load_probes(PROBES_FILE)
    assert len(probes) >= 60
    assert len({p.id for p in probes}) == len(probes)
    caps = {p.capability for p in probes}
    assert {
        "negation",
        "contrast",
        "name_swap",
        "reported_speech",
        "passive_voice",
        "neutral_reporting",
        "institutions",
        "countries",
    } <= caps
    from newsstance.encoding import resolve_target

    for p in probes:
        resolve_target(p.text, p.target)  # the target occurs in its text


def test_the_backend_check_needs_agreement_and_no_f1m_drop():
    def results(agreement, rw_drop, mt_drop):
        return {
            "newsmtsc-test-rw": {"agreement": agreement, "f1m_torch": 0.80, "f1m": 0.80 - rw_drop},
            "newsmtsc-test-mt": {"agreement": 1.0, "f1m_torch": 0.70, "f1m": 0.70 - mt_drop},
        }

    assert passes_check(results(0.995, 0.004, -0.01))
    assert not passes_check(results(0.989, 0.0, 0.0))  # agreement below 99%
    assert not passes_check(results(1.0, 0.0, 0.006))  # F1m drop over half a point on test-mt


@pytest.mark.parametrize("backend", ["openvino-int8", "onnx-int8"])
def test_export_records_the_backend_check(tiny_model_dir, data_dir, tmp_path, backend):
    import shutil

    from newsstance.backends.openvino import openvino_available
    from newsstance.settings import ModelSettings

    if backend.startswith("onnx"):
        if importlib.util.find_spec("onnxruntime") is None:  # found, not imported (its telemetry id)
            pytest.skip("needs the onnx extra")
    elif not openvino_available():  # found, not imported: a plain import reports to OpenVINO's telemetry
        pytest.skip("needs the openvino extra")

    model = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model)
    status = main(["export", "--model", str(model), "--backend", backend, "--data-dir", str(data_dir)])
    record = ModelSettings.load(model).backends[backend]
    assert set(record["results"]) == {"newsmtsc-test-rw", "newsmtsc-test-mt"}
    assert status == (0 if record["passed"] else 1)
    assert record["passed"] == passes_check(record["results"])
    # the recorded agreement is the share of labels on which the two backends agree
    import newsstance
    from newsstance.eval.predict import predict

    bench = load_benchmark("newsmtsc-test-rw", data_dir)
    torch_labels = predict(newsstance.load(model, backend="torch"), bench.examples).labels
    other_labels = predict(newsstance.load(model, backend=backend), bench.examples).labels
    agreement = sum(a == b for a, b in zip(torch_labels, other_labels)) / len(torch_labels)
    assert record["results"]["newsmtsc-test-rw"]["agreement"] == pytest.approx(agreement)
    if backend.startswith("onnx"):
        assert (model / record["artefact"]["file"]).is_file() and len(record["artefact"]["sha256"]) == 64


def test_the_seeds_article_benchmark_is_well_formed():
    from newsstance.articles.passages import split_passages
    from newsstance.eval.articles import load_article_benchmark

    bench = load_article_benchmark("seeds")
    assert len(bench.articles) >= 10
    pairs = sum(len(a.passages) for article in bench.articles for a in article.actors)
    assert pairs >= 100
    for article in bench.articles:
        passages = split_passages(article.text)
        for actor in article.actors:
            assert set(actor.passages) <= set(range(len(passages))), (article.name, actor.name)
            assert actor.label in ("negative", "neutral", "positive")
            for start, end, kind in actor.mentions:
                assert kind in ("pronoun", "nominal")
                inside = [j for j, (s, e) in enumerate(passages) if s <= start and end <= e]
                assert inside and inside[0] in actor.passages, (article.name, actor.name, start)


def test_article_scores_on_a_hand_made_benchmark(tiny_classifier, tmp_path):
    pytest.importorskip("spacy")
    from newsstance.eval.articles import load_article_benchmark, score_articles

    text = "Mayor Ana Ruiz opened the bridge.\n\nShe said it was on time. Critics of Tomas Berg were loud."
    gold = {
        "article": "a.txt",
        "actors": [
            {
                "name": "Ana Ruiz",
                "type": "PERSON",
                "label": "positive",
                "passages": {"0": "positive", "1": "neutral"},
                "mentions": [{"start": 35, "end": 38, "text": "She", "type": "pronoun"}],
            },
            {"name": "Nobody Here", "type": "PERSON", "label": "neutral", "passages": {"1": "neutral"}, "mentions": []},
        ],
    }
    assert text[35:38] == "She"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "a.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    r = score_articles(tiny_classifier, load_article_benchmark(str(tmp_path)), resamples=50)
    assert r["actors"] == 2 and r["actor_coverage"] == 0.5  # "Nobody Here" is not in the text
    # "She said it was on time": Ana Ruiz speaks there, and her own words are not her portrayal
    assert r["passage_pairs"] == 3 and r["passage_coverage"] == pytest.approx(1 / 3)
    both = score_articles(
        tiny_classifier, load_article_benchmark(str(tmp_path)), resamples=50, speakers_as_targets=True
    )
    assert both["passage_coverage"] == pytest.approx(2 / 3)
    c = r["coreference"]
    assert (c["links"], c["correct"], c["gold"], c["found"]) == (1, 1, 1, 1)
    assert c["cross_sentence_recall"] == 1.0  # "She" is in a sentence that does not name her
    no_coref = score_articles(tiny_classifier, load_article_benchmark(str(tmp_path)), coreference=False, resamples=50)
    assert no_coref["coreference"]["found"] == 0 and no_coref["passage_coverage"] == pytest.approx(1 / 3)


def test_a_corpus_file_splits_into_a_dev_part_and_the_rest_by_sentence(tmp_path):
    from newsstance.eval.benchmarks import load_benchmark
    from newsstance.eval.corpora import read_examples, source_name

    path = tmp_path / "newstsc" / "train.jsonl"
    path.parent.mkdir()
    lines = []
    for n in range(200):
        text = f"Councillor Vera Holm met union number {n} on Tuesday."
        for start, end in ((11, 20), (25, 30)):  # two targets of one sentence, one line each
            lines.append(
                {"local_context": text, "target_local_from": start, "target_local_to": end, "label": "neutral"}
            )
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    dev, rest, whole = (read_examples(f"{path}{part}") for part in ("@dev", "@train", ""))
    assert len(dev) + len(rest) == len(whole) == 400
    assert 0.05 < len(dev) / len(whole) < 0.3
    assert not {e.text for e in dev} & {e.text for e in rest}  # a sentence's targets stay together
    assert source_name(f"{path}@dev") == "newstsc_dev"
    assert [e.text for e in load_benchmark("newstsc-dev", tmp_path).examples] == [e.text for e in dev]
    with pytest.raises(ValueError, match="@dev or @train"):
        read_examples(f"{path}@test")


def test_the_speed_table_puts_each_model_beside_the_first_models_torch_row():
    from newsstance.eval.speed import table

    cpu = {"model": "x", "cores": 2, "flags": ["avx2"], "int8_dot": False, "bf16": False}
    row = {"load_s": 1.0, "first_pass_mentions_per_s": 50.0, "latency_ms_p50": 5.0, "latency_ms_p95": 9.0}
    row |= {"articles_per_s": 1.0, "peak_rss_mb": 500.0}
    rows = [
        {**row, "model": "shipped", "requested": "torch", "backend": "torch", "mentions_per_s": 100.0},
        {**row, "model": "shipped", "requested": "auto", "backend": "onnx-int8", "mentions_per_s": 250.0},
        {**row, "model": "teacher", "requested": "torch", "backend": "torch", "mentions_per_s": 20.0},
        {**row, "model": "teacher", "requested": "auto", "backend": "torch", "mentions_per_s": 19.0},
    ]
    text = table({"cpu": cpu, "rows": rows})
    assert "| teacher | torch | 1.00 | 20.0 | 0.20 |" in text
    assert "shipped: auto → onnx-int8: 2.50× its torch" in text and "at least as fast" in text
    assert "teacher: auto → torch: 0.95× its torch float32 mentions/s, SLOWER" in text


def test_an_ensemble_of_a_model_with_itself_scores_as_the_model(tiny_classifier, data_dir):
    from newsstance.eval.ensemble import compare, table

    result = compare([tiny_classifier, tiny_classifier], ["a", "b"], ["newsmtsc-dev-rw", "newstsc-dev"], data_dir)
    assert set(result) == {"newsmtsc-dev-rw", "newstsc-dev"}
    for row in result.values():
        assert row["a"] == row["b"] == row["average"]
    assert table(result).splitlines()[0] == "| benchmark | a | b | average |"
