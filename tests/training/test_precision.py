import keras
import numpy as np
import pytest

from rnn_pipeline.models import Seq2Seq
from rnn_pipeline.training.precision import dtype_policy, float32_copy


def test_layers_made_inside_use_the_policy_and_the_old_one_comes_back():
    before = keras.config.dtype_policy().name
    with dtype_policy("mixed_bfloat16"):
        layer = keras.layers.Dense(3)
    assert layer.compute_dtype == "bfloat16" and layer.variable_dtype == "float32"
    assert keras.config.dtype_policy().name == before


def test_unknown_precision_names_the_choices():
    with (
        pytest.raises(ValueError, match=r"precision must be one of .* got 'int8'"),
        dtype_policy("int8"),
    ):
        pass


def test_float32_copy_keeps_the_weights_and_computes_in_float32():
    with dtype_policy("mixed_bfloat16"):
        mixed = Seq2Seq(10, 10, embedding_dim=4, units=8, num_layers=2)
    copy = float32_copy(mixed)
    assert copy is not mixed and copy.dtype_policy.name == "float32"
    for a, b in zip(mixed.get_weights(), copy.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    tokens = np.array([[4, 5, 6, 0]], dtype="int32")
    out_mixed = np.asarray(mixed((tokens, tokens)), dtype="float32")
    out_copy = np.asarray(copy((tokens, tokens)))
    assert out_copy.dtype == np.float32
    np.testing.assert_allclose(out_copy, out_mixed, atol=0.1)  # bfloat16 rounding
    plain = Seq2Seq(10, 10, embedding_dim=4, units=8, num_layers=1)
    assert float32_copy(plain) is plain


def test_auto_precision_takes_bfloat16_only_where_the_cpu_computes_it():
    from rnn_pipeline.training.precision import cpu_flags, resolve_precision

    assert resolve_precision("auto", {"avx2", "amx_bf16", "amx_tile"}) == (
        "mixed_bfloat16"
    )
    # AVX-512 BF16 without AMX: measured faster too (step_time_bf16.json).
    assert resolve_precision("auto", {"avx2", "avx512_bf16"}) == "mixed_bfloat16"
    assert resolve_precision("auto", {"avx2", "avx512f", "avx512_vnni"}) == "float32"
    assert resolve_precision("auto", set()) == "float32"
    assert resolve_precision("mixed_float16", set()) == "mixed_float16"
    assert isinstance(cpu_flags("/nonexistent/cpuinfo"), set)
    assert cpu_flags("/nonexistent/cpuinfo") == set()
