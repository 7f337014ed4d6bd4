# ruff: noqa: RUF001 (Persian words and names are meant to be in Arabic script)
"""Words for the generated community: English and Persian, as the communities write.

Posts are random sentences of these words: no meaning, but the lengths, the scripts and the
spread of words of real posts, so that pages weigh and search indexes grow as they would.
"""

import html
import random


def _words(text: str) -> list[str]:
    return text.split()


# The word the searches look for: kept out of the vocabulary, put in a known share of posts.
COMMON_WORD = "feedback"

ENGLISH = _words("""
teacher teachers trainer trainers trainee session sessions lesson lessons plan plans class
classroom learners learner students student school schools practice reflection reflect
observation observe observed mentor mentoring workshop workshops cascade course courses
input loop modelling model task tasks activity activities group groups pair pairs
discussion discuss question questions answer answers example examples idea ideas material
materials handout worksheet board video recording criteria rubric assessment assess
marks grade progress context contexts rural village city province centre college
curriculum textbook unit chapter reading writing speaking listening grammar vocabulary
pronunciation fluency accuracy error errors correction time minutes week term year
colleague colleagues head principal inspector supervisor visit visits notes journal
portfolio evidence research article theory approach method methods technique techniques
warmer stage stages aim aims outcome outcomes objective objectives instruction instructions
concept checking elicit elicitation drill drilling controlled freer communicative
interaction talk tell show ask explain describe compare try tried worked works useful
difficult easy large small crowded noisy quiet shy confident motivated bored tired
first second last next before after during while because although however also often
sometimes always never usually really quite very more less most many much few little
the a an and or but so if when then of in on at to for with from about into over under
this that these those my our your their we they she he it is was were are be been have
had do did can could would should might must will need want think feel know see found
""")

PERSIAN = _words("""
معلم معلمان مدرس مدرسان کلاس درس درس‌ها مدرسه دانش‌آموز دانش‌آموزان آموزش تدریس یادگیری
ارزشیابی جلسه جلسات برنامه طرح درس فعالیت تمرین پرسش پاسخ گفتگو همکار همکاران کارگاه
مشاهده بازدید روستا شهر استان مرکز دانشگاه کتاب فصل واژه دستور خواندن نوشتن گفتاری
شنیداری گروه گروهی دونفره زمان دقیقه هفته ترم سال تجربه نمونه مثال ایده روش روش‌ها
فن هدف نتیجه ابزار ویدیو یادداشت مقاله پژوهش نظریه آموزشی حرفه‌ای توسعه پیشرفت
خوب بهتر سخت آسان شلوغ آرام خجالتی علاقه انگیزه اول دوم آخر بعد قبل هنگام چون اما
همچنین اغلب گاهی همیشه هرگز معمولا واقعا خیلی بیشتر کمتر این آن ما آنها من شما او
است بود هستند بودند دارد داشت کرد کردم کردیم می‌کنم می‌کنیم می‌توان باید شاید خواهد
""")

# "Feedback" in Persian, in some of the Persian posts.
PERSIAN_COMMON_WORD = "بازخورد"

FIRST_NAMES = [
    "Maryam", "Reza", "Zahra", "Ali", "Fatemeh", "Hossein", "Sara", "Mehdi", "Leila",
    "Amir", "Narges", "Hamid", "Parisa", "Saeed", "Shirin", "Mohsen", "Elham", "Javad",
    "Nasrin", "Babak", "Anne", "David", "Helen", "James", "Ruth", "Simon",
    "مریم", "رضا", "زهرا", "علی", "فاطمه", "حسین", "سارا", "مهدی", "لیلا", "امیر",
]
LAST_NAMES = [
    "Rahimi", "Ahmadi", "Karimi", "Hosseini", "Moradi", "Jafari", "Rezaei", "Mohammadi",
    "Sadeghi", "Kazemi", "Ghasemi", "Najafi", "Shirazi", "Tehrani", "Esfahani", "Brown",
    "Wright", "Taylor", "Evans", "Clarke",
    "رحیمی", "احمدی", "کریمی", "حسینی", "مرادی", "جعفری", "رضایی", "محمدی",
]
INSTITUTIONS = [
    "Isfahan Teacher Training Centre", "Shiraz Teacher Training College",
    "Farhangian University, Tehran", "Tabriz In-service Training Centre",
    "مرکز تربیت معلم اصفهان", "دانشگاه فرهنگیان شیراز",
]
REGIONS = ["Isfahan", "Fars", "Tehran", "East Azerbaijan", "Khorasan", "Gilan",
           "اصفهان", "فارس", "تهران"]

TITLE_STARTS = [
    "How do you handle", "What worked for", "A question about", "Ideas for",
    "Session plan:", "Trying out", "Reflections on", "Help with", "Observing",
    "چطور", "تجربه‌ی", "پرسشی درباره‌ی",
]
TITLE_ENDS = [
    "large classes", "mixed-level groups", "the first observation visit", "loop input",
    "concept checking questions", "peer observation", "the apply phase", "reading lessons",
    "speaking tasks", "lesson planning with trainees", "the new textbook", "rural schools",
    "کلاس‌های شلوغ", "مشاهده‌ی همتا", "طرح درس", "کتاب جدید",
]

TOPIC_TITLES = [
    "Loop input", "Peer observation", "Giving feedback on session plans",
    "Large classes", "Mixed-ability groups", "Concept checking", "Reading for gist",
    "Speaking in pairs", "Classroom research", "Mentoring new trainers", "Assessment for learning",
    "Using the textbook", "Warmers and coolers", "Error correction", "Teaching in villages",
    "Reflective journals", "Questioning techniques", "Video in training", "Task-based learning",
    "Training the trainers", "Lesson study", "Motivation", "Classroom language", "Writing tasks",
]


def title(rng: random.Random) -> str:
    """A thread's title. Never with the common word: searching for it finds posts."""
    return f"{rng.choice(TITLE_STARTS)} {rng.choice(TITLE_ENDS)}?"


def _sentence(rng: random.Random, vocabulary: list[str], length: int) -> str:
    words = rng.choices(vocabulary, k=length)
    return " ".join(words).capitalize() + "."


def body(rng: random.Random, *, persian: bool, common: bool) -> tuple[str, str]:
    """A post's Markdown text and its HTML: paragraphs of sentences; ``common`` puts the
    common word in it once (Persian posts use it too, and some have its Persian)."""
    vocabulary = PERSIAN if persian else ENGLISH
    long = rng.random() < 0.05
    sentences = [_sentence(rng, vocabulary, rng.randint(6, 14))
                 for _ in range(rng.randint(12, 30) if long else rng.randint(1, 5))]
    common_words = [COMMON_WORD] if common else []
    if persian and rng.random() < 0.04:
        common_words.append(PERSIAN_COMMON_WORD)
    for word in common_words:
        at = rng.randrange(len(sentences))
        sentences[at] = sentences[at][:-1] + f", {word}."
    paragraphs = [" ".join(sentences[start:start + 3]) for start in range(0, len(sentences), 3)]
    text = "\n\n".join(paragraphs)
    return text, "\n".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in paragraphs)
