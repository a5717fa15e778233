"""The shared words of the offline backend: what the captioner may say and the painter can read.

Captioner and painter only understand each other through these lists, so a word the
captioner emits but the painter ignores is information lost on every round trip (which
is part of the game), while a word in both keeps a feature alive for a while.
"""

from __future__ import annotations

# Named colours with sRGB values, written for this project. The spacing between
# neighbours is deliberately uneven: dense families (reds, blues, greens) make a
# slightly shifted shade come back under a sibling's name, which is one source of drift.
COLOURS: tuple[tuple[str, tuple[int, int, int]], ...] = (
    # reds and pinks
    ("crimson", (200, 20, 55)),
    ("scarlet", (245, 40, 20)),
    ("vermilion", (225, 70, 45)),
    ("cardinal red", (180, 25, 50)),
    ("brick red", (165, 60, 45)),
    ("maroon", (120, 15, 25)),
    ("burgundy", (110, 20, 50)),
    ("oxblood", (80, 15, 20)),
    ("wine red", (115, 45, 60)),
    ("cherry red", (215, 10, 35)),
    ("rust", (180, 70, 25)),
    ("coral", (250, 125, 85)),
    ("salmon", (245, 140, 120)),
    ("rose pink", (240, 110, 160)),
    ("blush pink", (235, 175, 185)),
    ("hot pink", (250, 60, 150)),
    ("magenta", (215, 30, 190)),
    ("fuchsia", (240, 70, 220)),
    ("raspberry", (200, 40, 100)),
    ("dusty rose", (195, 135, 140)),
    ("shell pink", (250, 215, 205)),
    ("flamingo pink", (250, 145, 170)),
    # oranges and browns
    ("tangerine", (245, 130, 20)),
    ("burnt orange", (200, 85, 15)),
    ("pumpkin orange", (240, 110, 30)),
    ("apricot", (250, 185, 135)),
    ("peach", (255, 205, 170)),
    ("amber", (250, 175, 10)),
    ("copper", (185, 100, 50)),
    ("bronze", (160, 110, 45)),
    ("terracotta", (200, 105, 80)),
    ("sienna", (160, 80, 45)),
    ("umber", (100, 70, 40)),
    ("chocolate brown", (90, 50, 25)),
    ("chestnut", (130, 60, 40)),
    ("mahogany", (105, 35, 25)),
    ("walnut brown", (110, 80, 55)),
    ("tan", (210, 180, 140)),
    ("khaki", (195, 175, 120)),
    ("camel", (190, 145, 95)),
    ("sand", (225, 200, 160)),
    ("taupe", (140, 125, 110)),
    ("sepia", (115, 85, 55)),
    ("coffee", (75, 55, 40)),
    # yellows and golds
    ("lemon yellow", (250, 240, 60)),
    ("canary yellow", (255, 225, 40)),
    ("golden yellow", (250, 200, 30)),
    ("mustard", (205, 165, 35)),
    ("ochre", (200, 135, 35)),
    ("saffron", (245, 180, 50)),
    ("gold", (215, 170, 60)),
    ("honey", (230, 165, 70)),
    ("butter yellow", (250, 230, 140)),
    ("cream", (250, 240, 210)),
    ("ivory", (250, 248, 232)),
    ("straw", (230, 210, 120)),
    ("pale yellow", (250, 245, 170)),
    # greens
    ("chartreuse", (180, 230, 30)),
    ("lime green", (120, 215, 40)),
    ("spring green", (60, 235, 130)),
    ("emerald", (20, 155, 90)),
    ("jade", (0, 165, 115)),
    ("kelly green", (40, 160, 45)),
    ("grass green", (85, 150, 50)),
    ("forest green", (35, 90, 40)),
    ("bottle green", (10, 70, 45)),
    ("hunter green", (50, 80, 55)),
    ("olive", (120, 120, 35)),
    ("olive drab", (100, 105, 60)),
    ("moss green", (105, 125, 65)),
    ("sage green", (155, 170, 130)),
    ("pistachio", (175, 205, 145)),
    ("mint green", (170, 235, 190)),
    ("seafoam", (135, 215, 180)),
    ("pine green", (25, 110, 85)),
    ("avocado", (95, 125, 30)),
    # cyans and teals
    ("teal", (0, 125, 125)),
    ("turquoise", (55, 215, 200)),
    ("aquamarine", (125, 240, 210)),
    ("cyan", (20, 225, 240)),
    ("aqua", (100, 205, 225)),
    ("dark teal", (15, 80, 90)),
    ("verdigris", (70, 165, 150)),
    ("sea green", (45, 140, 100)),
    # blues
    ("sky blue", (135, 200, 235)),
    ("powder blue", (180, 215, 230)),
    ("baby blue", (165, 200, 245)),
    ("cornflower blue", (100, 145, 235)),
    ("cerulean", (40, 120, 190)),
    ("azure", (20, 130, 250)),
    ("cobalt", (0, 70, 170)),
    ("ultramarine", (30, 40, 190)),
    ("royal blue", (45, 75, 220)),
    ("sapphire", (15, 50, 130)),
    ("navy", (10, 25, 90)),
    ("midnight blue", (20, 20, 60)),
    ("denim", (65, 100, 160)),
    ("steel blue", (75, 125, 170)),
    ("slate blue", (105, 95, 195)),
    ("periwinkle", (175, 175, 240)),
    ("ice blue", (215, 240, 250)),
    ("prussian blue", (10, 50, 85)),
    ("petrol blue", (30, 80, 110)),
    # purples
    ("violet", (140, 60, 220)),
    ("purple", (115, 35, 140)),
    ("indigo", (70, 15, 130)),
    ("plum", (130, 60, 110)),
    ("lavender", (190, 170, 230)),
    ("lilac", (205, 160, 215)),
    ("mauve", (180, 130, 165)),
    ("amethyst", (150, 100, 200)),
    ("orchid", (215, 110, 210)),
    ("aubergine", (60, 25, 50)),
    ("heather", (160, 135, 170)),
    # neutrals
    ("white", (252, 252, 252)),
    ("snow white", (245, 248, 255)),
    ("pearl grey", (225, 222, 215)),
    ("silver", (195, 195, 200)),
    ("ash grey", (175, 175, 165)),
    ("dove grey", (150, 150, 155)),
    ("stone grey", (135, 130, 120)),
    ("slate grey", (110, 120, 130)),
    ("pewter", (95, 100, 105)),
    ("graphite", (65, 65, 70)),
    ("charcoal", (45, 45, 50)),
    ("soot black", (25, 25, 25)),
    ("black", (8, 8, 10)),
    ("bone", (225, 215, 195)),
    ("beige", (220, 205, 175)),
    ("smoke grey", (120, 115, 125)),
)

# Plain colour words other captioners use; the painter understands them, the local
# captioner never says them (it always picks a more specific name).
BASIC_COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (205, 35, 35), "blue": (40, 85, 200), "green": (50, 150, 60),
    "yellow": (240, 220, 50), "orange": (240, 140, 30), "pink": (240, 150, 180),
    "brown": (120, 80, 45), "grey": (128, 128, 128), "purple": (120, 50, 160),
    "golden": (225, 180, 60), "silvery": (195, 195, 205),
}
# Words that shade the colour named right after them.
SHADE_WORDS: dict[str, float] = {
    "dark": -0.4, "deep": -0.3, "darker": -0.4, "light": 0.4, "pale": 0.45, "bright": 0.15,
}

COLOUR_NAMES: tuple[str, ...] = tuple(name for name, _ in COLOURS)
COLOUR_RGB: dict[str, tuple[int, int, int]] = dict(COLOURS)

# Canonical motif -> the words (singular, plural, synonyms) that call it up. Every key
# here has a drawing function in the painter; some can be recognised again by the
# captioner, the rest quietly disappear after one round trip.
MOTIF_WORDS: dict[str, tuple[str, ...]] = {
    "sun": ("sun", "suns", "sunburst"),
    "moon": ("moon", "moons", "crescent"),
    "stars": ("star", "stars", "starlight"),
    "planet": ("planet", "planets", "orb", "orbs", "globe"),
    "clouds": ("cloud", "clouds", "cloudbank"),
    "rain": ("rain", "raindrops", "drizzle", "downpour"),
    "snow": ("snow", "snowflakes", "snowfall"),
    "lightning": ("lightning", "thunderbolt"),
    "rainbow": ("rainbow", "rainbows"),
    "birds": ("bird", "birds", "gulls", "crows", "swallows"),
    "mountains": ("mountain", "mountains", "peak", "peaks", "summits", "ridge"),
    "hills": ("hill", "hills", "dunes", "slopes"),
    "sea": ("sea", "ocean", "lake", "water"),
    "waves": ("wave", "waves", "ripples", "surf"),
    "river": ("river", "stream", "creek"),
    "road": ("road", "roads", "path", "lane"),
    "field": ("field", "fields", "meadow", "meadows", "grassland", "plain"),
    "desert": ("desert", "wasteland"),
    "trees": ("tree", "trees", "bushes", "shrubs"),
    "pines": ("pine", "pines", "conifers", "firs"),
    "forest": ("forest", "woods", "woodland", "treeline"),
    "flowers": ("flower", "flowers", "blossoms", "blooms", "petals"),
    "buildings": ("building", "buildings", "house", "houses", "skyline", "city", "village"),
    "towers": ("tower", "towers", "spire", "spires", "chimney", "chimneys", "column", "columns"),
    "castle": ("castle", "fortress", "citadel"),
    "cathedral": ("cathedral", "church", "temple"),
    "bridge": ("bridge", "bridges", "arch", "arches", "viaduct"),
    "lighthouse": ("lighthouse", "lighthouses", "beacon"),
    "boats": ("boat", "boats", "ship", "ships", "sailboat", "sailboats"),
    "fish": ("fish", "fishes", "koi"),
    "windows": ("window", "windows", "windowpanes"),
    "door": ("door", "doors", "doorway", "gate"),
    "fence": ("fence", "fences", "railing"),
    "clocks": ("clock", "clocks", "clockface"),
    "spirals": ("spiral", "spirals", "swirl", "swirls", "vortex"),
    "circles": ("circle", "circles", "ring", "rings", "disc", "discs"),
    "galaxy": ("galaxy", "galaxies", "nebula"),
    "fractal": ("fractal", "fractals"),
    "mandala": ("mandala", "mandalas", "rosette"),
    "crystal": ("crystal", "crystals", "gem", "gems", "shard", "shards"),
    "eye": ("eye", "eyes"),
    "figure": ("figure", "figures", "person", "people", "silhouette", "wanderer"),
    "pyramid": ("pyramid", "pyramids", "triangle", "triangles"),
    "stripes": ("stripe", "stripes", "streaks"),
    "grid": ("grid", "checkerboard", "lattice", "tiles"),
    "dots": ("dot", "dots", "speckles", "spots"),
    "balloons": ("balloon", "balloons", "lanterns"),
}

# The singular and plural noun the captioner writes for each motif (both are in
# MOTIF_WORDS, so the painter reads back exactly what the captioner wrote).
MOTIF_NOUNS: dict[str, tuple[str, str]] = {
    "sun": ("sun", "suns"), "moon": ("moon", "moons"), "stars": ("star", "stars"),
    "planet": ("planet", "planets"), "clouds": ("cloud", "clouds"), "rain": ("rain", "rain"),
    "snow": ("snow", "snow"), "lightning": ("lightning", "lightning"),
    "rainbow": ("rainbow", "rainbows"), "birds": ("bird", "birds"),
    "mountains": ("mountain", "mountains"), "hills": ("hill", "hills"), "sea": ("sea", "sea"),
    "waves": ("wave", "waves"), "river": ("river", "river"), "road": ("road", "roads"),
    "field": ("field", "fields"), "desert": ("desert", "desert"), "trees": ("tree", "trees"),
    "pines": ("pine", "pines"), "forest": ("forest", "forest"), "flowers": ("flower", "flowers"),
    "buildings": ("building", "buildings"), "towers": ("tower", "towers"),
    "castle": ("castle", "castle"), "cathedral": ("cathedral", "cathedral"),
    "bridge": ("bridge", "bridges"), "lighthouse": ("lighthouse", "lighthouses"),
    "boats": ("boat", "boats"), "fish": ("fish", "fish"), "windows": ("window", "windows"),
    "door": ("door", "doors"), "fence": ("fence", "fences"), "clocks": ("clock", "clocks"),
    "spirals": ("spiral", "spirals"), "circles": ("circle", "circles"),
    "galaxy": ("galaxy", "galaxies"), "fractal": ("fractal", "fractals"),
    "mandala": ("mandala", "mandalas"), "crystal": ("crystal", "crystals"),
    "eye": ("eye", "eyes"), "figure": ("figure", "figures"), "pyramid": ("pyramid", "pyramids"),
    "stripes": ("stripe", "stripes"), "grid": ("grid", "grid"), "dots": ("dot", "dots"),
    "balloons": ("balloon", "balloons"),
}

# Words whose plural form already signals "several".
PLURAL_MOTIF_WORDS = frozenset(
    word
    for words in MOTIF_WORDS.values()
    for word in words
    if word.endswith("s") and word not in {"grass", "moss", "glass"}
)

MOTIF_BY_WORD: dict[str, str] = {word: motif for motif, words in MOTIF_WORDS.items() for word in words}

# How many copies a quantity word asks for.
COUNT_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "single": 1, "lone": 1, "solitary": 1,
    "two": 2, "pair": 2, "twin": 2, "three": 3, "four": 4, "five": 5,
    "few": 3, "several": 4, "some": 3, "many": 8, "numerous": 8, "countless": 12,
    "dozens": 14, "rows": 8, "row": 5, "pattern": 9, "scattered": 6, "crowd": 9,
}

# Position words -> (x, y) anchor in [0, 1]; None keeps that axis at the motif's default.
POSITION_WORDS: dict[str, tuple[float | None, float | None]] = {
    "left": (0.22, None), "right": (0.78, None),
    "top": (None, 0.16), "upper": (None, 0.22), "above": (None, 0.2), "sky": (None, 0.2),
    "bottom": (None, 0.84), "lower": (None, 0.78), "below": (None, 0.8), "ground": (None, 0.85),
    "centre": (0.5, 0.5), "center": (0.5, 0.5), "middle": (0.5, 0.5), "central": (0.5, 0.5),
    "foreground": (None, 0.82), "background": (None, 0.42), "horizon": (None, 0.55),
}

# Light and mood words the painter acts on. Values are targets, not multipliers, so
# that "dark" read back from a dark picture does not push it ever darker.
BRIGHTNESS_WORDS: dict[str, float] = {
    "dark": 0.22, "dim": 0.32, "shadowy": 0.3, "gloomy": 0.3, "nocturnal": 0.18, "night": 0.18,
    "murky": 0.3, "bright": 0.72, "sunlit": 0.7, "luminous": 0.75, "radiant": 0.76,
    "airy": 0.7, "pale": 0.74, "glowing": 0.66,
}
CONTRAST_WORDS: dict[str, float] = {
    "stark": 0.3, "dramatic": 0.3, "harsh": 0.32, "bold": 0.27, "crisp": 0.25,
    "gentle": 0.1, "hazy": 0.08, "soft": 0.11, "flat": 0.07, "subdued": 0.09,
}
SATURATION_WORDS: dict[str, float] = {
    "vivid": 0.62, "saturated": 0.6, "intense": 0.62, "electric": 0.7, "lurid": 0.75,
    "colourful": 0.56, "muted": 0.2, "washed": 0.15, "faded": 0.18, "desaturated": 0.1,
    "dusty": 0.22, "monochrome": 0.03, "greyish": 0.12,
}
ATMOSPHERE_WORDS: dict[str, str] = {
    "misty": "mist", "foggy": "mist", "fog": "mist", "mist": "mist", "hazy": "mist",
    "stormy": "storm", "storm": "storm", "thunderous": "storm", "brooding": "storm",
    "golden": "golden", "sunset": "golden", "dusk": "golden", "warm": "golden",
    "moonlit": "night", "midnight": "night", "nocturnal": "night", "night": "night",
    "icy": "cold", "cold": "cold", "wintry": "cold", "cool": "cold",
    "dreamlike": "dream", "dreamy": "dream", "surreal": "dream", "ethereal": "dream",
    "eerie": "eerie", "uncanny": "eerie", "ghostly": "eerie",
}
TEXTURE_WORDS: dict[str, str] = {
    "smooth": "smooth", "clean": "smooth", "glassy": "smooth", "blurred": "smooth",
    "grainy": "grain", "gritty": "grain", "speckled": "grain", "noisy": "grain",
    "busy": "busy", "intricate": "busy", "cluttered": "busy", "chaotic": "busy",
    "textured": "grain", "rough": "grain",
}
SYMMETRY_WORDS = frozenset({"symmetric", "symmetrical", "mirrored", "mirror", "symmetry"})
ACCENT_WORDS = frozenset({"touches", "traces", "hints", "flecks", "accents", "specks", "glints"})

# What the captioner may call the whole picture; the painter ignores these, which is fine.
SCENE_NOUNS = {
    "landscape": ("landscape", "countryside view", "open landscape"),
    "seascape": ("seascape", "coastal view", "shoreline view"),
    "night": ("night scene", "nocturne", "night view"),
    "city": ("cityscape", "townscape", "view of rooftops"),
    "abstract": ("abstract composition", "colour study", "abstract arrangement"),
    "still": ("close view", "quiet composition", "still life"),
}
