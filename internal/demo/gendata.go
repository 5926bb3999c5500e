package demo

// Data of the synthetic worlds: what makes Generate's documents look like
// the real population rather than uniform noise. Orders are popularity
// orders: the first entries are drawn far more often than the last.

// popularTags are the technology tags employers and candidates name most,
// most popular first (job boards of 2024–2025, roughly). Tags not listed
// follow in an order shuffled by the seed.
var popularTags = []string{
	"sql", "excel", "git", "python", "javascript", "agile", "english", "html", "css", "linux",
	"java", "docker", "scrum", "react", "jira", "customer-relations", "project-management", "windows", "power-bi", "php",
	"typescript", "node", "figma", "helpdesk", "csharp", "aws", "microsoft-365", "rest-api", "azure", "postgresql",
	"angular", "kubernetes", "dotnet", "spring", "tcp-ip", "active-directory", "data-analysis", "ci-cd", "vue", "mysql",
	"bash", "unit-testing", "symfony", "cybersecurity", "kpi", "tableau", "ansible", "terraform", "wordpress", "ux-design",
	"confluence", "itil", "gcp", "mongodb", "data-viz", "statistics", "user-research", "rgpd", "sap", "kanban",
}

// digitalOccupations are the ROME occupations people retrain into and offers
// ask for, the most common first. An imported release adds its other
// "transition numérique" occupations after these.
var digitalOccupations = []string{
	"M1805", "M1855", "M1851", "M1874", "M1801", "M1811", "M1810", "E1206", "M1827", "M1802",
	"M1806", "M1814", "M1812", "M1864", "M1815", "M1824", "E1205", "E1104", "M1803",
}

// formerOccupations are where career changers come from, the most common
// first; the other occupations of the taxonomy follow.
var formerOccupations = []string{
	"M1203", "D1106", "D1505", "M1607", "K2111", "H2102", "N4101", "M1403",
}

// typicalTags are the tags offers and profiles of an occupation name first.
var typicalTags = map[string][]string{
	"M1805": {"java", "python", "javascript", "sql", "git", "csharp", "dotnet", "spring", "react", "docker", "rest-api", "unit-testing", "typescript", "go", "linux", "agile"},
	"M1855": {"javascript", "html", "css", "react", "php", "git", "node", "typescript", "vue", "symfony", "wordpress", "sql", "angular", "rest-api", "responsive-design", "figma"},
	"M1851": {"sql", "excel", "power-bi", "python", "data-viz", "tableau", "data-analysis", "statistics", "business-intelligence", "kpi", "qlik", "etl"},
	"M1824": {"sql", "power-bi", "etl", "talend", "data-warehouse", "ssrs", "tsql", "python", "dbt", "business-intelligence"},
	"M1811": {"python", "sql", "spark", "airflow", "docker", "aws", "kafka", "dbt", "data-pipeline", "postgresql", "git", "gcp", "big-data", "databricks"},
	"M1874": {"helpdesk", "windows", "active-directory", "glpi", "itsm", "customer-relations", "hardware-maintenance", "microsoft-365", "tcp-ip", "servicenow", "linux"},
	"M1810": {"linux", "windows-server", "monitoring", "backup", "bash", "itil", "virtualization", "vmware", "tcp-ip", "dns"},
	"M1801": {"linux", "windows-server", "active-directory", "virtualization", "vmware", "bash", "powershell", "ansible", "backup", "tcp-ip", "dns", "firewall"},
	"M1802": {"cisco", "tcp-ip", "switching-routing", "firewall", "lan-wan", "vpn", "linux", "network-security", "wifi", "virtualization"},
	"E1206": {"figma", "user-research", "ux-design", "ui-design", "wireframing", "design-system", "accessibility", "adobe-xd", "design-thinking", "html", "css", "miro"},
	"E1205": {"photoshop", "illustrator", "indesign", "graphic-design", "figma", "canva", "after-effects"},
	"E1104": {"premiere-pro", "after-effects", "video-editing", "motion-design", "photoshop", "canva", "community-management", "wordpress"},
	"M1827": {"docker", "kubernetes", "terraform", "ansible", "ci-cd", "gitlab-ci", "aws", "linux", "git", "prometheus", "grafana", "python", "bash", "azure"},
	"M1806": {"sap", "erp", "specifications", "requirements", "sql", "amoa", "uml", "odoo", "salesforce", "project-management"},
	"M1814": {"scrum", "agile", "jira", "kanban", "safe", "confluence", "user-stories", "change-management", "lean"},
	"M1864": {"product-owner", "user-stories", "jira", "agile", "scrum", "roadmap", "product-management", "kpi", "figma", "confluence"},
	"M1812": {"cybersecurity", "iso-27001", "rgpd", "ebios", "security-risk", "network-security", "siem", "firewall", "iam", "incident-response"},
	"M1815": {"functional-testing", "test-automation", "selenium", "cypress", "jira", "istqb", "postman", "sql", "test-plan", "qa", "unit-testing"},
	"M1803": {"project-management", "itil", "cloud-computing", "security-risk", "change-management", "erp"},
	"M1403": {"excel", "statistics", "r", "python", "sas", "data-analysis", "sql", "data-viz"},
	"M1203": {"excel", "accounting-software", "sage", "erp", "kpi"},
	"M1607": {"microsoft-365", "word", "excel", "outlook", "google-workspace"},
	"D1106": {"customer-relations", "e-commerce"},
	"D1505": {"customer-relations"},
	"K2111": {"training-delivery", "powerpoint", "microsoft-365"},
}

// firstNames and lastNames make display names: France as it is, with
// accents and with names of every origin.
var firstNames = []string{
	"Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Emma", "Jade", "Louise", "Zoé",
	"Nathalie", "Isabelle", "Sandrine", "Valérie", "Stéphanie", "Céline", "Aurélie", "Émilie", "Sophie", "Hélène",
	"Fatou", "Aïcha", "Yasmine", "Nour", "Mariam", "Linh", "Ana", "Joana", "Élise", "Maëlle",
	"Thomas", "Lucas", "Hugo", "Nathan", "Enzo", "Louis", "Théo", "Mathis", "Maxime", "Antoine",
	"Nicolas", "Sébastien", "Julien", "Stéphane", "Frédéric", "Christophe", "Olivier", "Jérôme", "Laurent", "Thierry",
	"Mohamed", "Karim", "Yanis", "Rayan", "Mamadou", "Moussa", "Kévin", "Loïc", "Gaël", "Erwan",
}

var lastNames = []string{
	"Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
	"Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard",
	"Le Gall", "Le Goff", "Le Floch", "Guérin", "Hamon", "Jégou", "Caillaud", "Rivière", "Gautier", "Besnard",
	"Benali", "Haddad", "Diallo", "Traoré", "Nguyen", "Tran", "Da Silva", "Ferreira", "Benyahia", "Kaya",
	"Lemoine", "Chevalier", "François", "Mercier", "Blanchard", "Perrin", "Marchand", "Duval", "Boucher", "Tessier",
}

// trainingProviders offer the trainings of synthetic profiles.
var trainingProviders = []string{
	"Atlantique Formation Numérique", "La Fabrique du Code", "Centre de formation Erdre Numérique", "École de design Atlantique",
	"CNAM", "GRETA", "Campus du numérique", "Simplon", "OpenClassrooms", "IUT (alternance)", "École du numérique responsable",
	"Université (formation continue)",
}

var trainingKinds = []string{
	"Titre professionnel %s", "Formation certifiante %s", "Bootcamp %s", "Parcours de reconversion %s", "Licence professionnelle %s (alternance)",
}

// Company names are put together from three parts.
var (
	companyPrefixes = []string{"Atelier", "Studio", "Groupe", "Agence", "Collectif", "Cabinet", "Maison", "Lab", "Comptoir", "Fabrique"}
	companyRoots    = []string{"Armor", "Horizon", "Ligérien", "Azur", "Boréal", "Estuaire", "Granit", "Océan", "Alizé", "Mistral",
		"Lumière", "Cap", "Rivage", "Sillon", "Vauban", "Garonne", "Rhône", "Ardoise", "Phare", "Canopée"}
	companySuffixes = []string{"Numérique", "Digital", "Data", "Logiciel", "Conseil", "Services", "Solutions", "Systèmes", "Cloud", "Interactive"}
	companySectors  = []string{"Entreprise de services du numérique", "Édition de logiciels", "Conseil en systèmes d'information",
		"Agence web", "Banque et assurance", "Industrie", "Santé", "Commerce en ligne", "Collectivité territoriale", "Transport et logistique"}
)

// city is a French city centre: an anchor around which people live and
// jobs are, with a weight for each (rough shares, Paris dominating jobs
// more than people).
type city struct {
	id, name    string
	lat, lon    float64
	people, job float64
}

// cities are the 50 largest urban areas of France. Their ids are those an
// import of the public postal-codes file without INSEE codes gives (see
// place.Commune.ID); the built-in directory's Nantes Métropole communes,
// keyed by INSEE code, stand for Nantes.
var cities = []city{
	{"75-paris-04", "Paris 04", 48.8542, 2.3574, 100, 200},
	{"69-lyon-01", "Lyon 01", 45.7699, 4.8292, 22, 30},
	{"13-marseille-01", "Marseille 01", 43.2999, 5.3823, 18, 14},
	{"31-toulouse", "Toulouse", 43.5964, 1.4317, 14, 20},
	{"59-lille", "Lille", 50.6317, 3.0478, 12, 14},
	{"33-bordeaux", "Bordeaux", 44.8572, -0.5737, 13, 15},
	{"44109", "Nantes", 47.2316, -1.5483, 11, 18},
	{"67-strasbourg", "Strasbourg", 48.5713, 7.7675, 8, 8},
	{"34-montpellier", "Montpellier", 43.6134, 3.8685, 8, 10},
	{"35-rennes", "Rennes", 48.1120, -1.6819, 8, 12},
	{"38-grenoble", "Grenoble", 45.1821, 5.7213, 7, 9},
	{"06-nice", "Nice", 43.7120, 7.2383, 9, 7},
	{"76-rouen", "Rouen", 49.4413, 1.0926, 6, 4},
	{"83-toulon", "Toulon", 43.1362, 5.9324, 6, 2},
	{"54-nancy", "Nancy", 48.6902, 6.1759, 5, 3},
	{"57-metz", "Metz", 49.1081, 6.1955, 4, 2},
	{"37-tours", "Tours", 47.3986, 0.6965, 4, 3},
	{"63-clermont-ferrand", "Clermont-Ferrand", 45.7856, 3.1155, 4, 3},
	{"45-orleans", "Orléans", 47.8829, 1.9161, 4, 3},
	{"42-saint-etienne", "Saint-Étienne", 45.4301, 4.3791, 5, 2},
	{"14-caen", "Caen", 49.1848, -0.3698, 4, 2},
	{"49-angers", "Angers", 47.4768, -0.5561, 4, 3},
	{"21-dijon", "Dijon", 47.3229, 5.0379, 4, 2},
	{"29-brest", "Brest", 48.4005, -4.5028, 3, 2},
	{"72-le-mans", "Le Mans", 47.9885, 0.2000, 3, 2},
	{"51-reims", "Reims", 49.2515, 4.0402, 3, 2},
	{"80-amiens", "Amiens", 49.9010, 2.2901, 3, 1},
	{"87-limoges", "Limoges", 45.8543, 1.2488, 3, 1},
	{"66-perpignan", "Perpignan", 42.6966, 2.8994, 3, 1},
	{"25-besancon", "Besançon", 47.2554, 6.0195, 3, 1},
	{"86-poitiers", "Poitiers", 46.5839, 0.3599, 2, 1},
	{"64-pau", "Pau", 43.3200, -0.3503, 2, 1},
	{"64-bayonne", "Bayonne", 43.4922, -1.4661, 2, 1},
	{"84-avignon", "Avignon", 43.9352, 4.8407, 3, 1},
	{"68-mulhouse", "Mulhouse", 47.7492, 7.3257, 3, 1},
	{"17-la-rochelle", "La Rochelle", 46.1621, -1.1747, 2, 1},
	{"74-annecy", "Annecy", 45.8906, 6.1255, 2, 2},
	{"26-valence", "Valence", 44.9230, 4.9144, 2, 1},
	{"30-nimes", "Nîmes", 43.8449, 4.3481, 2, 1},
	{"56-lorient", "Lorient", 47.7500, -3.3782, 2, 1},
	{"56-vannes", "Vannes", 47.6597, -2.7571, 2, 1},
	{"44-saint-nazaire", "Saint-Nazaire", 47.2803, -2.2538, 2, 1},
	{"73-chambery", "Chambéry", 45.5832, 5.9090, 2, 1},
	{"10-troyes", "Troyes", 48.2967, 4.0783, 1, 1},
	{"79-niort", "Niort", 46.3283, -0.4654, 1, 2},
	{"29-quimper", "Quimper", 47.9971, -4.0911, 1, 1},
	{"2A-ajaccio", "Ajaccio", 41.9348, 8.7013, 1, 1},
	{"18-bourges", "Bourges", 47.0750, 2.4042, 1, 1},
	{"974-saint-denis", "Saint-Denis", -20.9330, 55.4469, 3, 1},
	{"971-pointe-a-pitre", "Pointe-à-Pitre", 16.2386, -61.5357, 2, 1},
}
