"""ringvm.isa.load() rejects inconsistent tables (modified copies of the real one)."""
from __future__ import annotations

import copy

import pytest

from ringvm.isa import ISA, ISAError, load


def table():
    """A deep copy of the raw TOML data, safe to modify."""
    return copy.deepcopy(ISA.raw)


def find(data, mnemonic):
    return next(d for d in data["instruction"] if d["mnemonic"] == mnemonic)


def test_the_bundled_table_loads():
    assert load(table()).instructions.keys() == ISA.instructions.keys()


def test_overlapping_encodings_are_rejected():
    data = table()
    clone = copy.deepcopy(find(data, "addi"))
    clone["mnemonic"] = "addi2"
    data["instruction"].append(clone)
    with pytest.raises(ISAError, match="overlap"):
        load(data)


def test_a_fixed_field_too_wide_for_its_bits_is_rejected():
    data = table()
    find(data, "add")["fixed"]["op"] = 0x40          # op is 6 bits
    with pytest.raises(ISAError, match="does not fit"):
        load(data)


def test_a_duplicate_mnemonic_is_rejected():
    data = table()
    data["instruction"].append(copy.deepcopy(find(data, "sub")))
    with pytest.raises(ISAError, match="duplicate mnemonic"):
        load(data)


def test_a_pseudo_named_like_an_instruction_is_rejected():
    data = table()
    data["pseudo"][0]["mnemonic"] = "add"
    with pytest.raises(ISAError, match="duplicate mnemonic"):
        load(data)


def test_a_duplicate_csr_number_is_rejected():
    data = table()
    data["csr"][1]["number"] = data["csr"][0]["number"]
    with pytest.raises(ISAError, match="duplicate csr number"):
        load(data)
