"""Everyday school and nursery matters that other policies cover.

A question with none of the policy's subject words is answered only if it is closer to a
clause than to all of these: "what's the uniform policy for staff?" shares words with the
social networking policy ("policy", "staff") but is plainly about another policy.
This is domain knowledge about schools, written as topics, not as questions.
"""

OTHER_TOPICS: tuple[str, ...] = (
    "staff sickness absence, phoning in sick and sick pay",
    "annual leave, holidays and requesting time off work",
    "staff dress code, uniform, jewellery, nails and tattoos",
    "staff car parking, bikes and travelling to work",
    "lateness, punctuality and signing in at the start of a shift",
    "shift patterns, rotas, overtime and swapping shifts",
    "pay day, payslips, pensions and claiming expenses",
    "resigning, notice periods and references",
    "maternity, paternity and parental leave",
    "flexible working requests and part-time hours",
    "health and safety, fire drills and evacuating the building",
    "first aid, accident forms and injuries to children",
    "administering medicines, allergies and epipens",
    "managing children's behaviour, biting and tantrums",
    "outings, trips and transporting children",
    "food, the lunch menu, snacks and mealtimes",
    "nappy changing, toileting and intimate care",
    "children's sleep and nap routines",
    "admissions, fees, funding and places for parents",
    "the complaints procedure for parents",
    "staff training courses, qualifications and appraisals",
    "DBS checks and safer recruitment of staff",
    "opening, closing and locking up the building",
    "cleaning, hygiene, handwashing and infection control",
    "closures for bad weather and snow days",
    "visitors signing in and collecting children",
    "lost property and children's belongings",
    "ordering toys, equipment and resources",
    "staff room, tea and coffee, kitchen rules",
    "key person system and settling in new children",
    "ratios of staff to children in each room",
    "planning, observations and children's learning journals",
    "heating, air conditioning and building repairs",
    "smoking and vaping on the premises",
    "staff absence cover and supply arrangements",
)
