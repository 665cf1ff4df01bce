//! What the demo stores sell: enough variety that every category, every custom field type and
//! several order states can be explored.

/// A demo product and where it is listed.
pub struct DemoProduct {
    pub category: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub best_seller: bool,
    /// Visibility code (0 public, 2 private).
    pub visibility: i16,
    pub variants: &'static [DemoVariant],
    /// Custom fields asked on every variant of the product.
    pub fields: &'static [DemoField],
}

pub struct DemoVariant {
    pub name: &'static str,
    pub sku: &'static str,
    pub cents: i64,
    pub stock: i32,
}

pub struct DemoField {
    pub label: &'static str,
    pub identifier: &'static str,
    pub field_type: &'static str,
    pub required: bool,
    pub placeholder: Option<&'static str>,
    pub hint: Option<&'static str>,
    pub options: &'static [&'static str],
}

const fn variant(name: &'static str, sku: &'static str, cents: i64, stock: i32) -> DemoVariant {
    DemoVariant { name, sku, cents, stock }
}

const fn field(label: &'static str, identifier: &'static str, field_type: &'static str, required: bool) -> DemoField {
    DemoField { label, identifier, field_type, required, placeholder: None, hint: None, options: &[] }
}

/// Categories of the demo store: (slug, name).
pub const DEMO_CATEGORIES: &[(&str, &str)] = &[
    ("footwear", "Footwear"),
    ("apparel", "Apparel"),
    ("accessories", "Accessories"),
    ("electronics", "Electronics"),
    ("home", "Home"),
];

pub const DEMO_PRODUCTS: &[DemoProduct] = &[
    DemoProduct {
        category: "footwear",
        name: "Trail Runner Shoes",
        description: "Grippy, light **trail shoes** for muddy mornings.",
        best_seller: true,
        visibility: 0,
        variants: &[
            variant("Size 42", "TRAIL-42", 8999, 25),
            variant("Size 43", "TRAIL-43", 8999, 12),
            variant("Size 44", "TRAIL-44", 8999, 0),
        ],
        fields: &[
            DemoField {
                options: &["Black", "Neon"],
                hint: Some("Spare laces ship in the box."),
                ..field("Lace colour", "lace_colour", "select", true)
            },
            DemoField {
                placeholder: Some("Up to 12 letters"),
                ..field("Name on the heel", "heel_name", "text", false)
            },
        ],
    },
    DemoProduct {
        category: "footwear",
        name: "Canvas Sneakers",
        description: "Everyday canvas sneakers.",
        best_seller: false,
        visibility: 0,
        variants: &[variant("Classic white", "CANVAS-WHT", 4999, 40)],
        fields: &[],
    },
    DemoProduct {
        category: "apparel",
        name: "Organic Cotton T-Shirt",
        description: "Soft organic cotton, made to last.",
        best_seller: true,
        visibility: 0,
        variants: &[
            variant("Small", "TEE-S", 1999, 50),
            variant("Medium", "TEE-M", 1999, 60),
            variant("Large", "TEE-L", 1999, 30),
        ],
        fields: &[
            DemoField { options: &["Regular", "Slim"], ..field("Fit", "fit", "radio", true) },
            DemoField {
                placeholder: Some("Write a short note"),
                hint: Some("Printed on the packing slip."),
                ..field("Gift message", "gift_message", "textarea", false)
            },
        ],
    },
    DemoProduct {
        category: "apparel",
        name: "Merino Hoodie",
        description: "Warm merino wool hoodie.",
        best_seller: false,
        visibility: 0,
        variants: &[variant("One size", "HOODIE-OS", 7900, 15)],
        fields: &[],
    },
    DemoProduct {
        category: "accessories",
        name: "Leather Wallet",
        description: "Slim full-grain leather wallet.",
        best_seller: false,
        visibility: 0,
        variants: &[variant("Brown", "WALLET-BRN", 3500, 20), variant("Black", "WALLET-BLK", 3500, 18)],
        fields: &[
            DemoField { placeholder: Some("e.g. J.D."), ..field("Monogram initials", "monogram", "text", false) },
            field("Gift wrap", "gift_wrap", "checkbox", false),
        ],
    },
    DemoProduct {
        category: "accessories",
        name: "Steel Water Bottle",
        description: "Keeps drinks cold for 24 hours.",
        best_seller: false,
        visibility: 0,
        variants: &[variant("750 ml", "BOTTLE-750", 2450, 100)],
        fields: &[],
    },
    DemoProduct {
        category: "electronics",
        name: "Wireless Earbuds",
        description: "Noise-cancelling earbuds with a 30-hour case.",
        best_seller: true,
        visibility: 0,
        variants: &[variant("White", "BUDS-WHT", 12900, 8), variant("Black", "BUDS-BLK", 12900, 5)],
        fields: &[DemoField {
            hint: Some("0 to 3 extra years."),
            ..field("Extended warranty (years)", "warranty_years", "number", false)
        }],
    },
    DemoProduct {
        category: "electronics",
        name: "USB-C Charger 65W",
        description: "Charges a laptop and a phone at once.",
        best_seller: false,
        visibility: 0,
        variants: &[variant("EU plug", "CHARGER-EU", 3999, 35), variant("US plug", "CHARGER-US", 3999, 22)],
        fields: &[],
    },
    DemoProduct {
        category: "home",
        name: "Ceramic Mug",
        description: "Hand-glazed stoneware mug.",
        best_seller: false,
        visibility: 0,
        variants: &[variant("Single", "MUG-1", 1450, 200), variant("Set of four", "MUG-4", 4900, 30)],
        fields: &[DemoField { options: &["Sky", "Sand", "Charcoal"], ..field("Glaze", "glaze", "select", true) }],
    },
    DemoProduct {
        category: "home",
        name: "Scented Candle",
        description: "Cedar and smoke, 50 hours of burn time.",
        best_seller: false,
        visibility: 0,
        variants: &[variant("Cedar", "CANDLE-CEDAR", 2200, 45)],
        fields: &[],
    },
    DemoProduct {
        category: "home",
        name: "Linen Throw",
        description: "Coming soon: a washed linen throw.",
        best_seller: false,
        visibility: 2,
        variants: &[variant("Natural", "THROW-NAT", 6500, 0)],
        fields: &[],
    },
];

pub const RIVAL_CATEGORIES: &[(&str, &str)] = &[("gadgets", "Gadgets")];

pub const RIVAL_PRODUCTS: &[DemoProduct] = &[
    DemoProduct {
        category: "gadgets",
        name: "Rival Smart Lamp",
        description: "A lamp that listens.",
        best_seller: true,
        visibility: 0,
        variants: &[variant("Warm white", "LAMP-WW", 5999, 10)],
        fields: &[],
    },
    DemoProduct {
        category: "gadgets",
        name: "Rival Desk Organizer",
        description: "Bamboo desk organizer.",
        best_seller: false,
        visibility: 0,
        variants: &[variant("Bamboo", "ORGANIZER-BMB", 2999, 30)],
        fields: &[],
    },
    DemoProduct {
        category: "gadgets",
        name: "Rival Travel Pillow",
        description: "Memory-foam travel pillow.",
        best_seller: false,
        visibility: 0,
        variants: &[variant("Grey", "PILLOW-GRY", 1899, 25)],
        fields: &[],
    },
];
