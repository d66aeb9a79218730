"""General vocabulary of school and nursery life, mapped to the words policies use.

Staff write "kids", "mum" and "my break"; policies say "pupils", "pupil's family members" and
"working time". Each concept below lists everyday phrasings (matched on word stems, so "posting"
matches "post") and the policy-language terms they expand to. This is knowledge any school policy
benefits from; what is particular to one policy (its subject's words, the topics other policies
cover) is data beside that policy, in its `.search.yml`. No questions and no clause ids here.
"""
from __future__ import annotations

# (everyday phrasings, policy-language expansion)
# SETTING_CONCEPTS: the people, places and routines of school life. Every workplace question
# mentions these, so they help find the right clause but never show that a question is in scope.
SETTING_CONCEPTS: list[tuple[tuple[str, ...], str]] = [
    # --- people in a school -----------------------------------------------------------------
    (("kid", "kids", "kiddies", "child", "children", "childrens", "toddler", "toddlers", "baby", "babies",
      "little ones", "student", "students", "learner", "learners", "infant", "infants", "boy", "girl",
      "preschooler", "tots", "key child", "key children", "older kids", "young people"),
     "pupils"),
    (("parent", "parents", "mum", "mums", "mom", "moms", "mummy", "mother", "dad", "dads", "daddy", "father",
      "gran", "grans", "granny", "grandma", "grandad", "grandpa", "grandparent", "grandparents", "nan", "nana",
      "carer", "carers", "guardian", "step-dad", "stepdad", "stepmum", "foster carer", "the families"),
     "pupil's family members"),
    (("cousin", "niece", "nephew", "aunt", "auntie", "aunty", "uncle", "my brother", "my sister", "sibling",
      "my son", "my daughter", "my child", "my grandchild", "grandson", "granddaughter", "relative",
      "relatives", "related", "in-law", "godchild", "my own child", "my family", "family member"),
     "related family members"),
    (("colleague", "colleagues", "coworker", "co-worker", "workmate", "team mate", "teammate",
      "practitioner", "practitioners", "teacher", "teachers", "key worker", "nursery nurse",
      "teaching assistant", "another member of staff", "other staff", "ordinary staff"),
     "employees staff"),
    (("boss", "manager", "managers", "supervisor", "room leader", "deputy", "nursery manager"),
     "managers"),
    (("head", "headteacher", "head teacher", "principal", "headmistress", "headmaster"), "head teacher"),
    (("governor", "governors", "governing body", "board", "trustees", "trustee"), "governors"),
    (("hr", "human resources", "personnel", "payroll"), "HR/Payroll"),
    (("union", "unions", "unison", "neu", "gmb"), "trade unions"),
    (("mate", "mates", "best friend", "bestie", "pal", "pals", "buddy", "neighbour", "friend of mine"),
     "friends"),
    (("supply", "agency", "bank staff", "bank", "casual", "temp", "temporary", "relief", "zero hours",
      "volunteer", "volunteers", "placement", "apprentice", "apprentices", "student placement",
      "cover staff", "part time", "part-time"),
     "casual staff agency employees"),
    (("contractor", "contractors", "outside agency", "partner", "partners", "external", "visiting"),
     "partner organisations"),
    # --- the workplace ------------------------------------------------------------------------
    (("nursery", "setting", "preschool", "pre-school", "creche", "early years", "centre", "workplace",
      "my work", "where i work", "employer", "our school", "the school", "academy", "my job", "work"),
     "school"),
    (("on shift", "working hours", "work hours", "during work", "nap time", "naptime", "sleep time",
      "lunch break", "break time", "breaks", "my break", "during the day", "on duty", "in the room",
      "while working", "clocked in", "work time"),
     "working time"),
    (("ipad", "tablet", "work phone", "work laptop", "office computer", "school computer", "work computer",
      "computer", "computers", "pc", "desktop", "equipment", "work email", "work device", "work devices"),
     "School ICT equipment"),
    (("school wifi", "wifi", "wi-fi", "school network", "the network", "school internet", "broadband"),
     "school network"),
    (("my phone", "my own phone", "personal phone", "my mobile", "my laptop", "my own laptop",
      "home computer", "my own device", "personal device", "own device", "own devices"),
     "own ICT equipment"),
    (("at home", "in my own time", "own time", "evenings", "evening", "weekend", "weekends", "outside work",
      "after work", "free time", "spare time", "off duty", "personal time"),
     "personal time"),
    (("lesson", "lessons", "learning", "teaching", "curriculum", "class blog", "educational", "education",
      "eyfs", "tapestry", "learning journal", "parent app", "classroom"),
     "educational purposes"),
    (("complain", "complaining", "complaint", "moan", "moaning", "rant", "ranting", "vent", "venting",
      "unhappy", "upset", "grievance", "grievances", "angry", "fed up", "pay", "salary", "wages",
      "contract", "unfair", "dispute"),
     "aggrieved concerns"),
    (("mind", "bothered", "object", "objects", "frown on", "frowned upon", "disapprove", "against it",
      "ok with", "okay with", "discourage", "banned", "ban"),
     "discourage"),
    (("report", "reporting", "tell", "who do i tell", "who do i speak", "speak to", "talk to",
      "who should i", "escalate", "flag"),
     "report raise"),
    (("drunk", "drinking", "party", "partying", "night out", "nights out", "hen do", "stag do",
      "behaviour outside work", "private life", "dating", "political", "protest"),
     "conduct outside of employment"),
    (("work do", "christmas party", "staff party", "staff night", "team night", "staff do", "outing",
      "trip", "nativity", "sports day", "event", "events", "graduation"),
     "school employees"),
]

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most
    my myself no nor not now of off on once only or other our ours ourselves out over own same she should
    so some such than that the their theirs them themselves then there these they this those through to
    too under until up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves im ive id dont cant wont isnt arent doesnt didnt ok okay hi hey please
    pls plz u ur r ya yeah yes get got go going gonna wanna let lets also still even really actually
    just anyone someone something anything thing things stuff bit lot lots one ones allowed allow
    able ok alright mine may might must shall""".split()
)

# School words the model does not know that must never be "corrected" into policy words
# ("ofsted" is not a typo for "posted").
SCHOOL_WORDS = frozenset(
    """ofsted eyfs senco sendco senco dbs ehcp ks1 ks2 nqt ect ecf lado sendco safeguarding dsl
    ofqual nmc hcpc gmc tra unison gmb neu nasuwt paediatric epipen epipens""".split()
)

# Messages that are only pleasantries get a short help reply instead of a clause.
SMALL_TALK = frozenset(
    """hi hello hey hiya howdy morning afternoon evening good night thanks thank thankyou thx ta cheers
    great brilliant lovely perfect cool nice awesome ok okay alright bye goodbye cya later see you
    yo sup there bot policybot how are doing well help test testing ping please much very so lots
    appreciated appreciate many x xx xxx thats really helpful useful sorted understood noted fab ace
    amazing superb excellent wonderful kind got it makes sense that s was""".split()
)
