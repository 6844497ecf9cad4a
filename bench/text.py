"""What the text rules cost per message: personal-data masking and the municipality finder, on a
500-character customer message (medians over many runs; the timed tests they replace were flaky here)."""
from __future__ import annotations

import statistics
import time

from nlu.personal_data import mask
from nlu.places import find_municipality

MASKED = ("Hei, perustin yrityksen viime kuussa ja haluaisin tietää voinko saada starttirahaa. Y-tunnus on "
          "0737546-2 ja puhelinnumeroni 040 123 4567. Hetuni on 131052-308T ja tilini FI21 1234 5600 0007 85. ")
PLACE = ("Hei, olen työtön ja haluaisin perustaa oman yrityksen. Minulla on kokemusta rakennusalalta ja olen "
         "miettinyt starttirahan hakemista. Voisitteko kertoa, mitä minun pitää tehdä ensin ja kuinka kauan "
         "päätöksen saaminen kestää? Olen kuullut, että liiketoimintasuunnitelma ja kannattavuuslaskelmat "
         "tarvitaan. Tarvitsenko myös Y-tunnuksen ennen hakemusta? Asun tällä hetkellä Seinäjoella.")


def median_ms(work, text: str, runs: int = 300) -> float:
    work(text)  # builds tables once
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        work(text)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def report() -> str:
    masking = median_ms(mask, (MASKED * 4)[:500])
    places = median_ms(find_municipality, (PLACE * 2)[:500])
    return f"""## Text rules per 500-character message (median of 300 runs)

| rule | ms |
|---|---|
| personal-data masking (`nlu/personal_data.py`: identity codes, IBANs, cards) | {masking:.2f} |
| municipality finder (`nlu/places.py`, every case form) | {places:.3f} |
"""
