"""Near-neighbour services told apart by the cue that distinguishes them.

Some services share almost every word: pay subsidy and the 55+ subsidy, an SME's own development grant
and the grant for a body developing many firms' operating environment, the job market platform and labour
market information, youth services and career guidance. A classifier splits its confidence between them
and, worse, sometimes confidently picks the wrong one. When the two best readings are such a pair and the
message carries the cue of exactly one side (an age, who applies, what is looked for), that side takes the
pair's combined score; with no cue, or cues of both, the ranking stands and the margin rule asks which one.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

_AGE = re.compile(r"(?:\b(?:yli|över|over|ovanför)\s+)?\b(\d{2})\s*(?:\+|-?\s*v\b|-?\s*vuo\w*|-?\s*v\.|\s*år\w*|-?\s*åring\w*"
                  r"|-?\s*årig\w*|\s*years?|-?\s*vee\w*|-?\s*kymppi\w*)", re.IGNORECASE)


_I_AM = re.compile(r"\b(?:olen|oon|oot|olet|on|är|jag är|i am|i'm|im)\s+(\d{2})\b(?!\s*(?:€|e\b|euro|%|h\b|tuntia|timmar))",
                   re.IGNORECASE)


def _ages(text: str) -> list[int]:
    return [int(m.group(1)) for pattern in (_AGE, _I_AM) for m in pattern.finditer(text)]


def _words(pattern: str) -> Callable[[str], bool]:
    compiled = re.compile(pattern, re.IGNORECASE)
    return lambda text: bool(compiled.search(text))


def _age_at_least(limit: int, words: str) -> Callable[[str], bool]:
    has_words = _words(words)
    return lambda text: any(age >= limit for age in _ages(text)) or has_words(text)


def _age_below(limit: int, words: str) -> Callable[[str], bool]:
    has_words = _words(words)
    return lambda text: any(15 <= age < limit for age in _ages(text)) or has_words(text)


@dataclass(frozen=True)
class Pair:
    first: str
    second: str
    first_cue: Callable[[str], bool]
    second_cue: Callable[[str], bool]

    def cued(self, text: str) -> str | None:
        """The side whose cue alone the text carries, or None."""
        first, second = self.first_cue(text), self.second_cue(text)
        return self.first if first and not second else self.second if second and not first else None


PAIRS: tuple[Pair, ...] = (
    Pair("employment_subsidy_55plus", "pay_subsidy",
         _age_at_least(55, r"\b55\b|ikäänty|ikäihmi|senior|eläkeikä|äldre|pensionsåld"),
         _age_below(55, r"pitkäaikaistyöt|pitkään työttöm|vamma|osatyökyk|långtidsarbetslös|länge arbetslös"
                        r"|funktionsnedsätt|partiell arbetsförmåga|\bnuor|\bung\b|\bunga\b")),
    Pair("operating_environment_grant", "business_development_grant",
         _words(r"yhdisty|\bkunta|kunnan|kunnat|kehittämisyhtiö|elinkeinoyhtiö|oppilaitos|korkeakoulu|säätiö"
                r"|yleishyödyl|alueen yritys|useiden yritysten|useille yrityksille|monen yrityksen|yritysryhmä"
                r"|förening|kommun|utvecklingsbolag|näringslivsbolag|läroanstalt|högskola|stiftelse|allmännyttig"
                r"|flera företag|regionens företag|många företag|företagsgrupp"),
         _words(r"yritykseni|yrityksemme|firmani|firmamme|meidän yrity|meidän firma|oman yrityksen|oma yritys"
                r"|investoin|koneinvest|mitt företag|vårt företag|min firma|vår firma|eget företag|investering")),
    Pair("labour_market_information", "job_market_platform",
         _words(r"barometr|tilasto|kysyntä|kysyntää|ennuste|näkymä|työvoimapula|pulaa|millä aloilla|mille aloille"
                r"|katsaus|statistik|barometer|efterfrågan|prognos|utsikter|bristyrke|brist på|vilka branscher"
                r"|statistics|demand"),
         _words(r"avoim|hakuvaht|profiil|\bcv\b|ansioluettelo|lediga|jobbevakning|profil|meritförteckning"
                r"|vacanc|job alert")),
    Pair("youth_services", "career_guidance",
         _age_below(30, r"\bnuor|ohjaamo|nuorisotakuu|alle 30|abi\b|lukiolai|peruskoulu|\bung\b|\bunga\b|ungdom"
                        r"|navigatorn|under 30|gymnasie|grundskola|young"),
         _age_at_least(30, r"alanvaih|alan vaih|uranvaih|uran vaih|uuden ammatin|uusi ammatti|aikuisena|keski-ik"
                           r"|byta bransch|byta yrke|karriärbyte|nytt yrke|som vuxen|medelålder|career change")),
)


def settle(text: str, ranking: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
    """The ranking (best first) with a near-neighbour pair decided by its cue, when the best reading is one
    of a pair, its partner is among the next two, and the text carries the cue of one side only."""
    ranked = list(ranking)
    if len(ranked) < 2:
        return ranked
    top = ranked[0][0]
    for pair in PAIRS:
        if top not in (pair.first, pair.second):
            continue
        partner = pair.second if top == pair.first else pair.first
        scores = dict(ranked)
        if partner not in (label for label, _ in ranked[1:3]) or (side := pair.cued(text)) is None:
            return ranked
        other = partner if side == top else top
        scores[side], scores[other] = scores[top] + scores[partner], 0.0
        return sorted(scores.items(), key=lambda item: -item[1])
    return ranked
