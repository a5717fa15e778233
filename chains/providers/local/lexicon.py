"""The words for things, settings, light and place that captioner and painter share.

Every motif the painter can draw has a singular and plural noun (what the captioner
writes) and a few synonyms (what other captioners write). Settings ("materials") are
the mass nouns a scene is made of: sky, water, foliage, grass, buildings... A word in
both the captioner's mouth and the painter's ear survives a round trip; anything else
is the telephone game's loss.
"""

from __future__ import annotations

from .motifs import MOTIFS

# Word tables read best as tables: the formatter leaves them as written.
# fmt: off
IRREGULAR_PLURALS = {"fish": "fish", "deer": "deer", "face": "faces", "bus": "buses"}
PLURAL_NAMED = {"stars": "star", "clouds": "cloud", "birds": "bird", "circles": "circle", "stripes": "stripe",
                "dots": "dot"}
SYNONYMS: dict[str, tuple[str, ...]] = {
    "sun": ("sunburst",), "moon": ("crescent",), "planet": ("orb", "globe"), "galaxy": ("nebula", "galaxies"),
    "balloon": ("lantern",), "airplane": ("plane", "aeroplane", "aircraft", "jet"), "stars": ("starlight",),
    "tree": ("oak",), "pine": ("fir", "conifer", "spruce"), "bush": ("shrub", "shrubs", "hedge"),
    "flower": ("blossom", "bloom", "blooms", "dahlia", "rose", "daisy", "petals", "chrysanthemum"),
    "mountain": ("peak", "summit"), "boulder": ("rock", "stone"), "house": ("home",),
    "cottage": ("hut", "cabin"), "temple": ("shrine", "palace"), "cathedral": ("church",),
    "castle": ("fortress", "citadel"), "tower": ("spire", "column", "minaret", "chimney"),
    "lighthouse": ("beacon",), "bridge": ("viaduct",), "pyramid": ("triangle",), "obelisk": ("monument",),
    "arch": ("gateway", "archway"), "door": ("doorway", "gate"), "window": ("windowpane",),
    "lamppost": ("streetlamp",), "statue": ("sculpture",), "boat": ("rowboat", "canoe"),
    "sailboat": ("yacht",), "ship": ("steamer", "liner"), "car": ("automobile", "truck"),
    "bicycle": ("bike",), "motorcycle": ("motorbike", "scooter"), "train": ("locomotive",),
    "rocket": ("spaceship", "spacecraft"), "cup": ("mug", "teacup"), "teapot": ("kettle",),
    "vase": ("urn", "jar"), "bowl": ("dish", "basket"), "apple": ("fruit",), "clock": ("clockface",),
    "chair": ("seat", "bench"), "umbrella": ("parasol",), "guitar": ("violin",), "cat": ("kitten",),
    "dog": ("puppy",), "horse": ("pony",), "deer": ("stag",), "rabbit": ("hare", "bunny"), "fish": ("koi",),
    "swan": ("duck", "goose"), "butterfly": ("moth",),
    "figure": ("person", "man", "woman", "child", "people", "traveller", "wanderer", "rider", "pilot", "cook",
               "hero", "stranger", "silhouette", "probe"),
    "face": ("portrait", "head"), "astronaut": ("spacesuit", "cosmonaut"), "spiral": ("swirl", "vortex"),
    "mandala": ("rosette",), "crystal": ("gem", "shard"), "circles": ("rings", "discs"),
    "grid": ("checkerboard", "tiles"), "stripes": ("streaks", "bands"), "dots": ("speckles",),
    "sign": ("lettering", "text", "writing", "letters", "label", "signboard"), "snow": ("snowflakes", "snowfall"),
}


# fmt: on


def plural(noun: str) -> str:
    if noun in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[noun]
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def _nouns(motif: str) -> tuple[str, str]:
    if motif in PLURAL_NAMED:
        return PLURAL_NAMED[motif], motif
    if motif in {"rain", "snow", "lightning", "aurora"}:
        return motif, motif
    return motif, plural(motif)


MOTIF_NOUNS: dict[str, tuple[str, str]] = {motif: _nouns(motif) for motif in MOTIFS}
MOTIF_BY_WORD: dict[str, str] = {}
for _motif, (_one, _many) in MOTIF_NOUNS.items():
    for _word in (_one, _many, *SYNONYMS.get(_motif, ())):
        MOTIF_BY_WORD.setdefault(_word, _motif)
# Nouns that are also common verbs ("the house faces the sea", "stars dot the sky"): they
# name a thing only after a determiner, a number, a size or a colour.
# fmt: off
VERB_LIKE_NOUNS = frozenset({"face", "faces", "dot", "dots", "sign", "signs", "figure", "figures", "head", "heads",
                             "rings", "bands", "bell", "streaks", "lantern", "fruit", "light"})
NOUN_MARKERS = frozenset({"a", "an", "the", "one", "two", "three", "four", "five", "few", "several", "many",
                          "some", "its", "their", "his", "her", "single", "lone", "of", "pair", "dozens",
                          "countless", "scattered", "numerous"})
PLURAL_MOTIF_WORDS = frozenset(many for one, many in MOTIF_NOUNS.values() if many != one)

# Settings: mass nouns a scene is made of, and where each lies when a caption does not say.
MATERIAL_WORDS: dict[str, tuple[str, ...]] = {
    "sky": ("sky", "skies", "heavens"),
    "water": ("water", "lake", "sea", "ocean", "river", "pond", "bay", "harbour", "waves", "ripples", "surf"),
    "foliage": ("trees", "foliage", "leaves", "woods", "forest", "woodland", "greenery", "canopy", "treeline",
                "hedges", "wooded", "bushes"),
    "grass": ("grass", "meadow", "field", "fields", "lawn", "pasture", "grassland", "grassy"),
    "buildings": ("buildings", "houses", "rooftops", "city", "town", "village", "skyline", "streets"),
    "sand": ("sand", "beach", "desert", "dunes", "earth", "soil", "ground", "path", "road", "floor", "dirt"),
    "rock": ("hills", "hill", "mountains", "cliffs", "cliff", "rocks", "ridge", "slopes", "crags"),
    "snow": ("snowfield", "ice", "frost", "snowdrifts"),
    "dark": ("darkness", "shadow", "shadows", "gloom", "void", "blackness"),
    "wall": ("background", "backdrop", "wall", "surface", "table", "tabletop", "tablecloth", "cloth", "fabric",
             "curtain", "paper", "saucer"),
    "glow": ("glow", "haze", "halo", "radiance"),
    "clutter": ("clutter", "shelves", "junk", "machinery", "tools", "crates", "garage", "workshop"),
}
MATERIAL_BY_WORD = {word: material for material, words in MATERIAL_WORDS.items() for word in words}
DEFAULT_PLACE = {
    "sky": "top", "water": "bottom", "grass": "bottom", "sand": "bottom", "snow": "bottom",
    "foliage": "horizon", "buildings": "horizon", "rock": "horizon", "dark": "background",
    "wall": "background", "glow": "centre", "clutter": "background",
}

TIME_WORDS = {
    "dawn": "dawn", "sunrise": "dawn", "daybreak": "dawn", "morning": "day", "noon": "day", "midday": "day",
    "daylight": "day", "afternoon": "day", "sunny": "day", "dusk": "dusk", "sunset": "dusk", "evening": "dusk",
    "twilight": "dusk", "night": "night", "midnight": "night", "moonlit": "night", "nocturnal": "night",
    "starry": "night", "nighttime": "night",
}
SIZE_RANK = {"huge": 3, "large": 2, "medium": 1, "small": 0}
SIZE_WORDS = {
    "fills": "huge", "filling": "huge", "huge": "huge", "enormous": "huge", "giant": "huge", "vast": "huge",
    "close": "huge", "large": "large", "big": "large", "tall": "large", "towering": "large", "great": "large",
    "prominent": "large", "small": "small", "little": "small", "tiny": "small", "distant": "small",
    "far": "small", "lone": "medium", "single": "medium",
}
EMPTY_WORDS = frozenset({"empty", "nothing", "blank", "bare", "featureless", "plain"})
EMPTY_SCENE = frozenset({"empty", "nothing", "blank", "featureless"})

# How many copies a quantity word asks for.
COUNT_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "single": 1, "lone": 1, "solitary": 1,
    "two": 2, "pair": 2, "twin": 2, "three": 3, "four": 4, "five": 5,
    "few": 3, "several": 4, "some": 3, "many": 7, "numerous": 7, "countless": 9,
    "dozens": 9, "rows": 6, "row": 5, "scattered": 5, "crowd": 7,
}

# Position words -> (x, y) anchor in [0, 1]; None keeps that axis at the motif's default.
POSITION_WORDS: dict[str, tuple[float | None, float | None]] = {
    "left": (0.24, None), "right": (0.76, None),
    "top": (None, 0.18), "upper": (None, 0.24),
    "bottom": (None, 0.82), "lower": (None, 0.76),
    "centre": (0.5, 0.5), "center": (0.5, 0.5), "middle": (0.5, 0.5), "central": (0.5, 0.5),
    "foreground": (None, 0.8), "background": (None, 0.45),
}

# Light and mood words the painter acts on. Values are targets, not multipliers, so
# that "dark" read back from a dark picture does not push it ever darker.
BRIGHTNESS_WORDS: dict[str, float] = {
    "dark": 0.22, "dim": 0.32, "shadowy": 0.3, "gloomy": 0.3, "nocturnal": 0.18,
    "murky": 0.3, "bright": 0.66, "sunlit": 0.64, "luminous": 0.7, "radiant": 0.7,
    "airy": 0.66, "glowing": 0.62,
}
CONTRAST_WORDS: dict[str, float] = {
    "stark": 0.3, "dramatic": 0.3, "harsh": 0.32, "bold": 0.27, "crisp": 0.25,
    "gentle": 0.12, "hazy": 0.1, "soft": 0.13, "flat": 0.09, "subdued": 0.11,
}
SATURATION_WORDS: dict[str, float] = {
    "vivid": 0.62, "saturated": 0.6, "intense": 0.62, "electric": 0.7, "lurid": 0.75,
    "colourful": 0.56, "muted": 0.22, "washed": 0.18, "faded": 0.2, "desaturated": 0.12,
    "dusty": 0.24, "monochrome": 0.04, "greyish": 0.14,
}
ATMOSPHERE_WORDS: dict[str, str] = {
    "misty": "mist", "foggy": "mist", "fog": "mist", "mist": "mist", "hazy": "mist",
    "stormy": "storm", "storm": "storm", "thunderous": "storm", "brooding": "storm",
    "golden": "golden", "warm": "golden",
    "icy": "cold", "cold": "cold", "wintry": "cold", "cool": "cold",
    "dreamlike": "dream", "dreamy": "dream", "surreal": "dream", "ethereal": "dream",
    "eerie": "eerie", "uncanny": "eerie", "ghostly": "eerie", "mysterious": "eerie",
}
TEXTURE_WORDS: dict[str, str] = {
    "smooth": "smooth", "glassy": "smooth", "blurred": "smooth",
    "grainy": "grain", "gritty": "grain", "speckled": "grain", "noisy": "grain",
    "busy": "busy", "intricate": "busy", "cluttered": "busy", "chaotic": "busy",
    "textured": "grain", "rough": "grain",
}
SYMMETRY_WORDS = frozenset({"symmetric", "symmetrical", "mirrored", "mirror", "symmetry"})
