"""The shared colour words of the offline backend (the things and settings are in `lexicon`).

Captioner and painter only understand each other through these lists, so a shade the
captioner cannot name is information lost on every round trip (which is part of the
game), while a name both know keeps a colour alive for a while.
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
