"""Word lists the dataset generator draws names and places from.

Plain tuples only (no logic), so every other module can pick from them with a seeded
``random.Random``::

    rng.choice(FIRST_NAMES), rng.choice(CITIES).city
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["City"]

FIRST_NAMES = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Christopher", "Karen", "Charles", "Lisa", "Daniel", "Nancy", "Matthew", "Betty", "Anthony",
    "Sandra", "Mark", "Margaret", "Donald", "Ashley", "Steven", "Kimberly", "Andrew", "Emily",
    "Paul", "Donna", "Joshua", "Michelle", "Kenneth", "Carol", "Kevin", "Amanda", "Brian",
    "Melissa", "George", "Deborah", "Timothy", "Stephanie", "Ronald", "Rebecca", "Jason", "Laura",
    "Edward", "Sharon", "Jeffrey", "Cynthia", "Ryan", "Kathleen", "Jacob", "Amy", "Gary", "Angela",
    "Nicholas", "Shirley", "Eric", "Anna", "Jonathan", "Brenda", "Stephen", "Pamela", "Larry",
    "Emma", "Justin", "Nicole", "Scott", "Helen", "Brandon", "Samantha", "Benjamin", "Katherine",
    "Samuel", "Christine", "Gregory", "Debra", "Alexander", "Rachel", "Patrick", "Carolyn",
    "Frank", "Janet", "Raymond", "Maria", "Jack", "Olivia", "Dennis", "Heather", "Jerry", "Diane",
    "Tyler", "Julie", "Aaron", "Joyce", "Jose", "Victoria", "Adam", "Ruth", "Nathan", "Virginia",
    "Henry", "Lauren", "Zachary", "Kelly", "Douglas", "Christina", "Peter", "Joan", "Kyle",
    "Evelyn", "Noah", "Judith", "Ethan", "Andrea", "Jeremy", "Hannah", "Walter", "Megan",
    "Christian", "Cheryl", "Keith", "Jacqueline", "Roger", "Martha", "Terry", "Madison", "Austin",
    "Teresa", "Sean", "Gloria", "Gerald", "Sara", "Carl", "Janice", "Harold", "Ann", "Dylan",
    "Kathryn", "Arthur", "Abigail", "Lawrence", "Sophia", "Jordan", "Frances", "Jesse", "Jean",
    "Bryan", "Alice", "Billy", "Judy", "Bruce", "Isabella", "Gabriel", "Julia", "Joe", "Grace",
    "Logan", "Amber", "Alan", "Denise", "Juan", "Danielle", "Albert", "Marilyn", "Willie",
    "Beverly", "Elijah", "Charlotte", "Wayne", "Natalie", "Randy", "Theresa", "Vincent", "Diana",
    "Mason", "Brittany", "Roy", "Doris", "Ralph", "Kayla", "Bobby", "Alexis", "Russell", "Lori",
    "Priya", "Wei", "Mohammed", "Aisha", "Hiroshi", "Mei", "Carlos", "Lucia", "Raj", "Fatima",
)  # fmt: skip

LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans", "Turner",
    "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris", "Morales",
    "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey",
    "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson", "Brooks",
    "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price", "Alvarez",
    "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez", "Powell",
    "Jenkins", "Perry", "Russell", "Sullivan", "Bell", "Coleman", "Butler", "Henderson", "Barnes",
    "Gonzales", "Fisher", "Vasquez", "Simmons", "Romero", "Jordan", "Patterson", "Alexander",
    "Hamilton", "Graham", "Reynolds", "Griffin", "Wallace", "Moreno", "West", "Cole", "Hayes",
    "Bryant", "Herrera", "Gibson", "Ellis", "Tran", "Medina", "Aguilar", "Stevens", "Murray",
    "Ford", "Castro", "Marshall", "Owens", "Harrison", "Fernandez", "McDonald", "Woods",
    "Washington", "Kennedy", "Wells", "Vargas", "Henry", "Chen", "Freeman", "Webb", "Tucker",
    "Guzman", "Burns", "Crawford", "Olson", "Simpson", "Porter", "Hunter", "Gordon", "Mendez",
    "Silva", "Shaw", "Snyder", "Mason", "Dixon", "Munoz", "Hunt", "Hicks", "Holmes", "Palmer",
    "Wagner", "Black", "Robertson", "Boyd", "Rose", "Stone", "Salazar", "Fox", "Warren", "Mills",
    "Meyer", "Rice", "Schmidt", "Garza", "Daniels", "Ferguson", "Nichols", "Stephens", "Soto",
    "Weaver", "Ryan", "Gardner", "Payne", "Grant", "Dunn", "Kessler", "Donovan", "Whitaker",
    "Okafor", "Kowalski", "Lindqvist", "Nakamura", "O'Brien", "Delgado", "Fitzgerald", "Brennan",
)  # fmt: skip

PLACE_WORDS = (
    "Harborview", "Cedar Ridge", "Bluewater", "Summit", "Riverbend", "Oakmont", "Pinecrest",
    "Lakeside", "Stonebridge", "Maple Grove", "Silver Creek", "Evergreen", "Granite", "Ironwood",
    "Westfield", "Brookhaven", "Clearwater", "Fairmont", "Highland", "Redwood", "Willow Park",
    "Northgate", "Southshore", "Eastwick", "Copperline", "Sterling", "Beacon", "Keystone",
    "Meridian", "Prairie", "Sandstone", "Cypress", "Hillcrest", "Lighthouse", "Fox Hollow",
    "Kingsbridge", "Aspen", "Tidewater", "Bayside", "Crescent", "Golden Valley", "Three Rivers",
    "Blue Heron", "Red Oak", "Whitestone", "Pleasant Hill", "Mill Creek", "Falcon Ridge",
    "Windward", "Old Town", "Lakeshore", "Sunrise", "Pacific Crest", "Liberty", "Heritage",
    "Pioneer", "Frontier", "Canyon", "Birchwood", "Hawthorne", "Trinity", "Sequoia", "Orchard",
    "Gateway", "Harbor Point", "Coastal", "Mountainview", "Valley", "Parkside", "Rosewood",
)  # fmt: skip

INDUSTRY_SUFFIXES = (
    "Dental Group", "Family Dentistry", "Veterinary Clinic", "Animal Hospital", "Orthopedics",
    "Pediatrics", "Physical Therapy", "Credit Union", "Community Bank", "Realty",
    "Property Management", "Construction", "Builders", "Engineering", "Architects", "Logistics",
    "Freight", "Trucking", "Manufacturing", "Machine Works", "Plastics", "Foods", "Bakery",
    "Brewing Company", "Winery", "Hotel & Suites", "Country Club", "Academy", "Montessori School",
    "Insurance Agency", "Financial Advisors", "Wealth Management", "CPA Group", "Marketing",
    "Media", "Printing", "Auto Group", "Motors", "Landscaping", "Plumbing & Heating", "Electric",
    "Roofing", "Senior Living", "Home Health", "Eye Care", "Dermatology", "Chiropractic",
    "Medical Associates", "Imaging Center", "Pharmacy", "Labs", "Outfitters", "Furniture",
    "Supply Co.", "Distributors", "Holdings", "Capital", "Consulting", "Staffing",
    "Title & Escrow", "Foundation", "Animal Shelter", "Surgical Center", "Counseling Services",
)  # fmt: skip

SURNAME_FIRM_SUFFIXES = (
    "LLP", "Law Group", "& Associates", "Accounting", "Family Dentistry", "Construction",
    "Engineering", "Insurance", "Architects", "Partners", "Wealth Advisors", "Funeral Home",
)  # fmt: skip

NEAR_DUPLICATE_SUFFIXES = (
    "Logistics", "Holdings", "Manufacturing", "Foundation", "Realty", "Capital", "Services",
    "Distribution", "Group", "International",
)  # fmt: skip


class City(NamedTuple):
    """A real city with its region, postal-code stem, telephone area code and country."""

    city: str
    region: str
    postal: str
    area_code: str
    country: str


CITIES = (
    City("Boston", "Massachusetts", "021", "617", "United States"),
    City("Worcester", "Massachusetts", "016", "508", "United States"),
    City("Providence", "Rhode Island", "029", "401", "United States"),
    City("Hartford", "Connecticut", "061", "860", "United States"),
    City("Albany", "New York", "122", "518", "United States"),
    City("Buffalo", "New York", "142", "716", "United States"),
    City("Philadelphia", "Pennsylvania", "191", "215", "United States"),
    City("Pittsburgh", "Pennsylvania", "152", "412", "United States"),
    City("Newark", "New Jersey", "071", "973", "United States"),
    City("Baltimore", "Maryland", "212", "410", "United States"),
    City("Richmond", "Virginia", "232", "804", "United States"),
    City("Raleigh", "North Carolina", "276", "919", "United States"),
    City("Charlotte", "North Carolina", "282", "704", "United States"),
    City("Atlanta", "Georgia", "303", "404", "United States"),
    City("Tampa", "Florida", "336", "813", "United States"),
    City("Orlando", "Florida", "328", "407", "United States"),
    City("Nashville", "Tennessee", "372", "615", "United States"),
    City("Columbus", "Ohio", "432", "614", "United States"),
    City("Cleveland", "Ohio", "441", "216", "United States"),
    City("Indianapolis", "Indiana", "462", "317", "United States"),
    City("Chicago", "Illinois", "606", "312", "United States"),
    City("Milwaukee", "Wisconsin", "532", "414", "United States"),
    City("Minneapolis", "Minnesota", "554", "612", "United States"),
    City("St. Louis", "Missouri", "631", "314", "United States"),
    City("Kansas City", "Missouri", "641", "816", "United States"),
    City("Omaha", "Nebraska", "681", "402", "United States"),
    City("Dallas", "Texas", "752", "214", "United States"),
    City("Austin", "Texas", "787", "512", "United States"),
    City("Houston", "Texas", "770", "713", "United States"),
    City("Denver", "Colorado", "802", "303", "United States"),
    City("Salt Lake City", "Utah", "841", "801", "United States"),
    City("Phoenix", "Arizona", "850", "602", "United States"),
    City("Albuquerque", "New Mexico", "871", "505", "United States"),
    City("Boise", "Idaho", "837", "208", "United States"),
    City("Portland", "Oregon", "972", "503", "United States"),
    City("Seattle", "Washington", "981", "206", "United States"),
    City("Sacramento", "California", "958", "916", "United States"),
    City("San Diego", "California", "921", "619", "United States"),
    City("Toronto", "Ontario", "M5V", "416", "Canada"),
    City("Ottawa", "Ontario", "K1P", "613", "Canada"),
    City("Vancouver", "British Columbia", "V6B", "604", "Canada"),
    City("Calgary", "Alberta", "T2P", "403", "Canada"),
)

STREET_NAMES = (
    "Main", "Oak", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park", "Pine",
    "Commerce", "Industrial", "Harbor", "River", "Market", "Franklin", "Lincoln", "Jefferson",
    "Madison", "Spring", "Church", "Center", "Highland", "Sunset", "Ridge", "Meadow", "Forest",
    "Willow", "Corporate", "Enterprise", "Technology", "Executive", "Airport", "Mill", "Bridge",
)  # fmt: skip

STREET_SUFFIXES = ("Street", "Avenue", "Road", "Drive", "Boulevard", "Parkway", "Way", "Court")

JOB_TITLES = (
    "Office Manager", "Accountant", "Staff Accountant", "Controller", "Sales Representative",
    "Account Manager", "Project Manager", "Operations Manager", "Receptionist",
    "Administrative Assistant", "HR Generalist", "Marketing Coordinator", "Customer Service Rep",
    "Warehouse Supervisor", "Shipping Clerk", "Engineer", "Designer", "Paralegal", "Associate",
    "Billing Specialist", "Dental Hygienist", "Nurse", "Medical Assistant", "Technician",
    "Analyst", "Buyer", "Estimator", "Foreman", "Dispatcher", "Loan Officer", "Teller",
)  # fmt: skip

PASSPHRASE_WORDS = (
    "Granite", "Falcon", "Harbor", "Maple", "Copper", "Ember", "Glacier", "Meadow", "Orbit",
    "Pepper", "Quartz", "Raven", "Saddle", "Thunder", "Velvet", "Willow", "Cobalt", "Juniper",
    "Lantern", "Marble", "Nectar", "Otter", "Pixel", "Rocket", "Sparrow", "Timber", "Walnut",
    "Zephyr", "Basil", "Cactus", "Dune", "Fjord", "Gecko", "Hazel", "Iris", "Jasper",
)  # fmt: skip
