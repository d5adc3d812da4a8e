"""Each carrier's tracking number shapes: a good number fits, a wrong one does not, and a
carrier Shopdesk does not know is not judged."""

from __future__ import annotations

import pytest

from app.ops.tracking_rules import compact, fits_carrier

GOOD = [
    ("UPS", "1Z999AA10123456784"),
    ("ups", "1z 999 aa1 0123 4567 84"),  # as printed on a label, any case
    ("USPS", "94001118992233445566"),  # 20 digits
    ("USPS", "9400111899223344556677"),  # 22 digits (IMpb)
    ("USPS", "42010001" + "9" * 22),  # 30 digits: a ZIP routing prefix and IMpb
    ("USPS", "EA123456789US"),  # Priority Mail Express International
    ("FedEx", "123456789012"),  # 12
    ("FedEx", "123456789012345"),  # 15
    ("FedEx", "12345678901234567890"),  # 20
    ("FedEx", "1234567890123456789012"),  # 22
    ("DHL", "1234567890"),
    ("DHL Express", "JJD0099999999"),
    ("DHL eCommerce", "GM2951173225174494"),
    ("DHL eCommerce", "9261290100130435082149"),  # handed to USPS
]
BAD = [
    ("UPS", "1Z999AA1012345678"),  # 15 after 1Z
    ("UPS", "9400111899223344556677"),  # a USPS number
    ("USPS", "1Z999AA10123456784"),  # a UPS number
    ("USPS", "940011189922334455667"),  # 21 digits
    ("USPS", "CSV000001"),
    ("FedEx", "12345678901"),  # 11
    ("FedEx", "1234567890123"),  # 13
    ("DHL", "123456789"),
    ("DHL eCommerce", "GM123"),
]


@pytest.mark.parametrize(("carrier", "number"), GOOD)
def test_a_number_of_the_carriers_shape_fits(carrier: str, number: str) -> None:
    assert fits_carrier(carrier, number) is True


@pytest.mark.parametrize(("carrier", "number"), BAD)
def test_a_number_of_another_shape_does_not_fit(carrier: str, number: str) -> None:
    assert fits_carrier(carrier, number) is False


def test_an_unknown_carrier_is_not_judged() -> None:
    assert fits_carrier("Pigeon Post", "anything at all") is None
    assert fits_carrier("", "1Z999AA10123456784") is None


def test_spaces_and_dashes_do_not_count() -> None:
    assert compact(" 9400-1118 9922 ") == "940011189922"
