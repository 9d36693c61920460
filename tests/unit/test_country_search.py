"""ipmd.profiles.country_search: what a visitor types finds the country, in the page's language or another, or by ISO code."""
from ipmd.profiles import country_search as cs

# a few countries as the database names them (countries.name_en / name_fr / name_es)
NAMES = {
    "en": {"MAR": "Morocco", "COM": "Comoros", "GBR": "United Kingdom", "USA": "United States",
           "ARE": "United Arab Emirates", "MHL": "Marshall Islands", "CIV": "Côte d'Ivoire", "UKR": "Ukraine"},
    "fr": {"MAR": "Maroc", "COM": "Comores", "GBR": "Royaume-Uni", "USA": "États-Unis",
           "ARE": "Émirats arabes unis", "MHL": "Îles Marshall", "CIV": "Côte d'Ivoire", "UKR": "Ukraine"},
    "es": {"MAR": "Marruecos", "COM": "Comores, Islas", "GBR": "Reino Unido", "USA": "Estados Unidos",
           "ARE": "Emiratos Árabes Unidos", "MHL": "Marshall, Islas", "CIV": "Côte d'Ivoire", "UKR": "Ucrania"},
}


def best(query, lang):
    others = {iso3: [NAMES[o][iso3] for o in NAMES if o != lang] for iso3 in NAMES[lang]}
    return cs.best(query, NAMES[lang], others)


def test_an_iso_code_finds_its_country_before_names_that_start_with_it():
    assert best("MAR", "en") == ("MAR", ["MAR"])
    assert best("mar", "fr") == ("MAR", ["MAR"])       # not the Marshall Islands, whose name starts with "mar"


def test_a_word_inside_a_name_finds_the_country():
    assert best("kingdom", "en") == ("GBR", ["GBR"])
    # "Émirats arabes unis", "États-Unis", "Royaume-Uni": a word starts with it; in the order of their names
    assert best("uni", "fr")[1] == ["ARE", "USA", "GBR"]


def test_a_name_in_another_language_finds_the_country():
    assert best("Maroc", "en") == ("MAR", ["MAR"])
    assert best("Marruecos", "fr") == ("MAR", ["MAR"])
    assert best("Maroc", "fr") == ("MAR", ["MAR"])


def test_the_start_of_a_name_beats_the_same_letters_inside_another():
    """'Moro' is inside Comoros too: Morocco alone is the answer, Comoros comes after it in the list."""
    assert best("Moro", "en") == ("MAR", ["MAR"])
    assert cs.find("moro", NAMES["en"]) == ["MAR", "COM"]


def test_accents_and_punctuation_do_not_matter():
    assert best("cote d ivoire", "en") == ("CIV", ["CIV"])
    assert best("ETATS", "en") == ("USA", ["USA"])
    assert cs.normalized("Côte d'Ivoire") == "cote d ivoire"


def test_several_countries_at_the_best_rank_are_all_returned_and_none_is_chosen():
    assert best("united", "en") == (None, ["ARE", "GBR", "USA"])


def test_nothing_found_and_empty_text():
    assert best("xyz", "en") == (None, [])
    assert best("  ", "en") == (None, [])
    assert best("ma", "en")[1] == ["MHL"]             # two letters: a word start only, never inside a word
