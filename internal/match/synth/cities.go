package synth

// city is a French city centre, with a weight for how many candidates live
// around it and one for how many digital jobs it offers.
type city struct {
	name     string
	lat, lon float64
	people   float64
	jobs     float64
}

// cities are the 50 largest urban areas of metropolitan France and two
// overseas ones; weights are rough shares, Paris dominating jobs more than
// people, as it does.
var cities = []city{
	{"Paris", 48.8566, 2.3522, 100, 200},
	{"Lyon", 45.7640, 4.8357, 22, 30},
	{"Marseille", 43.2965, 5.3698, 18, 14},
	{"Toulouse", 43.6047, 1.4442, 14, 20},
	{"Lille", 50.6292, 3.0573, 12, 14},
	{"Bordeaux", 44.8378, -0.5792, 13, 15},
	{"Nantes", 47.2184, -1.5536, 11, 18},
	{"Strasbourg", 48.5734, 7.7521, 8, 8},
	{"Montpellier", 43.6108, 3.8767, 8, 10},
	{"Rennes", 48.1173, -1.6778, 8, 12},
	{"Grenoble", 45.1885, 5.7245, 7, 9},
	{"Nice", 43.7102, 7.2620, 9, 7},
	{"Rouen", 49.4432, 1.0999, 6, 4},
	{"Toulon", 43.1242, 5.9280, 6, 2},
	{"Nancy", 48.6921, 6.1844, 5, 3},
	{"Metz", 49.1193, 6.1757, 4, 2},
	{"Tours", 47.3941, 0.6848, 4, 3},
	{"Clermont-Ferrand", 45.7772, 3.0870, 4, 3},
	{"Orléans", 47.9030, 1.9093, 4, 3},
	{"Saint-Étienne", 45.4397, 4.3872, 5, 2},
	{"Caen", 49.1829, -0.3707, 4, 2},
	{"Angers", 47.4784, -0.5632, 4, 3},
	{"Dijon", 47.3220, 5.0415, 4, 2},
	{"Brest", 48.3904, -4.4861, 3, 2},
	{"Le Mans", 48.0061, 0.1996, 3, 2},
	{"Reims", 49.2583, 4.0317, 3, 2},
	{"Amiens", 49.8941, 2.2958, 3, 1},
	{"Limoges", 45.8336, 1.2611, 3, 1},
	{"Perpignan", 42.6887, 2.8948, 3, 1},
	{"Besançon", 47.2378, 6.0241, 3, 1},
	{"Poitiers", 46.5802, 0.3404, 2, 1},
	{"Pau", 43.2951, -0.3708, 2, 1},
	{"Bayonne", 43.4929, -1.4748, 2, 1},
	{"Avignon", 43.9493, 4.8055, 3, 1},
	{"Mulhouse", 47.7508, 7.3359, 3, 1},
	{"La Rochelle", 46.1603, -1.1511, 2, 1},
	{"Annecy", 45.8992, 6.1294, 2, 2},
	{"Valence", 44.9334, 4.8924, 2, 1},
	{"Nîmes", 43.8367, 4.3601, 2, 1},
	{"Lorient", 47.7486, -3.3700, 2, 1},
	{"Vannes", 47.6582, -2.7608, 2, 1},
	{"Saint-Nazaire", 47.2735, -2.2138, 2, 1},
	{"Chambéry", 45.5646, 5.9178, 2, 1},
	{"Troyes", 48.2973, 4.0744, 1, 1},
	{"Niort", 46.3237, -0.4588, 1, 2},
	{"Quimper", 47.9960, -4.0970, 1, 1},
	{"Ajaccio", 41.9192, 8.7386, 1, 1},
	{"Bourges", 47.0810, 2.3988, 1, 1},
	{"Saint-Denis (La Réunion)", -20.8821, 55.4507, 3, 1},
	{"Pointe-à-Pitre", 16.2411, -61.5331, 2, 1},
}
