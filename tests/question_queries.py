"""Questions as listeners type them in a Discord server, written from what each episode is about
(its story, guests and chapters), not from its title's words; and questions no episode answers.

Each entry: (category, question, expected episode, expected chapter). The expected episode is its
number, or the start of its title when it has no number; the chapter is given where the question
asks "when".
"""

QUESTIONS: list[tuple[str, str, int | str, str | None]] = [
    # paraphrase: the story, in other words
    ("paraphrase", "the one about making pictures look sharper without using more data?", 61, None),
    ("paraphrase", "how do they stop a bad settings change from taking down the whole site?", 84, None),
    ("paraphrase", "the episode where they rewrote an old messaging library written in C", 76, None),
    ("paraphrase", "how long does it take an engineer to write a code change, how did they measure that?", 67, None),
    (
        "paraphrase",
        "mechanical engineers who taught themselves to code and built a 3D design app for headsets",
        64,
        None,
    ),
    ("paraphrase", "when they cut the compute spent encoding instagram videos by almost all of it", 48, None),
    (
        "paraphrase",
        "is there an episode about fetching executables on demand instead of checking them into the repo",
        60,
        None,
    ),
    ("paraphrase", "moving ten million lines of java code to a newer language for android", 71, None),
    ("paraphrase", "controlling devices with a flick of the wrist", 77, None),
    ("paraphrase", "keeping encryption safe from quantum computers of the future", "We don’t know when", None),
    ("paraphrase", "the team that hacks third-party products to find vulnerabilities", "Red Team X", None),
    ("paraphrase", "how did meta build its own headset from sketch to scale", 68, None),
    ("paraphrase", "the one about notebooks for data scientists that run in the browser", "Bento", None),
    ("paraphrase", "which episode explains how whatsapp verifies your encryption keys automatically", 54, None),
    ("paraphrase", "logging in to services without revealing who you are", 50, None),
    ("paraphrase", "the library behind audio and video calls across all the apps", 46, None),
    ("paraphrase", "data centres running on renewable energy all day and night", 41, None),
    ("paraphrase", "someone who moved from a sales job into software engineering", 38, None),
    ("paraphrase", "making messenger on the iphone smaller and faster", 37, None),
    ("paraphrase", "lowering carbon emissions with open hardware designs", 80, None),
    ("paraphrase", "batteries for smart glasses", 86, None),
    # who: a guest, remembered by what they did
    ("who", "who was the guest that helped the app stay fast for a huge messaging service early on?", 22, None),
    ("who", "which episode had Ally and Kevin on?", 62, None),
    ("who", "the episode with Zuzanna", 61, None),
    ("who", "who talked about the history of pytorch", "PyTorch is now", None),
    ("who", "the episode where Aida talks about C++ interop", 63, None),
    ("who", "what did Sergey talk about at droidcon", 19, None),
    ("who", "which episode was Marie and Neil on", 51, None),
    ("who", "Hilal from the android ui team", 13, None),
    ("who", "the one with Devi the AI research director", "Advancing GenAI", None),
    ("who", "Ishwari and Joe", 84, None),
    ("who", "was Melissa ever on the show?", 82, None),
    # when: the moment inside an episode
    ("when", "when in the image quality episode do they get to measuring it?", 61, "Measuring quality"),
    (
        "when",
        "when do they talk about hand based interactions in the caddy episode",
        64,
        "Discovery of hand-based interactions",
    ),
    ("when", "at what point in the stylex episode do they compare it with cx", 82, "cx vs StyleX"),
    ("when", "when in the buck2 episode do they compare it to bazel", 51, "Buck2 vs Bazel"),
    ("when", "when does the sapling episode get to stacks", 47, "Stacks"),
    ("when", "where in the rust c++ episode do they discuss lifetimes", 63, "Dealing with Lifetimes"),
    ("when", "when in the threads episode do they talk about ui frameworks", 56, "UI Frameworks"),
    (
        "when",
        "when in the kotlin translation episode do they ask if kotlin is slow to compile",
        71,
        "Isn't Kotlin slow to compile?",
    ),
    # technology
    ("technology", "anything on graphql clients for mobile?", 73, None),
    ("technology", "did they ever talk about css", 82, None),
    ("technology", "an episode about jetpack compose", 70, None),
    ("technology", "what about the hermes javascript engine", 17, None),
    ("technology", "source control like git but from meta", 47, None),
    ("technology", "python 3.12 features from meta", "Meta ❤️ Python 3.12", None),
    ("technology", "a type checker for python written in rust", 75, None),
    # recency
    ("recency", "what was the first episode about kotlin?", 21, None),
    ("recency", "the latest episode about threads", 62, None),
    ("recency", "most recent episode on rust", 76, None),
    ("recency", "the original episode about shipping code at meta, not the re-run", 55, None),
    ("recency", "newest episode about python", 75, None),
    ("recency", "the oldest episode about android", 13, None),
    # typo
    ("typo", "the episode about pytroch history", "PyTorch is now", None),
    ("typo", "grapqhl on mobile", 73, None),
    ("typo", "who built the mixed reality headest", 68, None),
    ("typo", "kotiln at facebook", 21, None),
    # synonym and abbreviation
    ("synonym", "what does their ci infrastructure look like", 55, None),
    ("synonym", "anything about js engines for react native", 17, None),
    ("synonym", "is there one about perf of the messenger app", 37, None),
    ("synonym", "e2ee on whatsapp", 54, None),
    ("synonym", "an episode about ml frameworks", "PyTorch is now", None),
    ("synonym", "optimising images for instagram in hdr", 61, None),
]

# Questions nothing in the podcast answers: the reply must say no episode is clearly about them.
UNANSWERED: list[str] = [
    "did they ever cover COBOL?",
    "is there an episode about kubernetes operators",
    "anything on blockchain and NFTs",
    "the one about self-driving cars",
    "did anyone talk about cooking recipes",
    "an episode about the history of fortran",
    "who talked about quantum chromodynamics in particle physics",
    "was there an episode on ruby on rails",
    "anything about mainframe batch scheduling with jcl",
    "the episode about knitting patterns",
    "did they discuss haskell monads",
    "tips for gardening tomatoes",
]
