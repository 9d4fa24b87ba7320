"""Which model definition recounts which row of Table A.3, at which input resolution.

Each entry is an input of the recount, typed here with its provenance: the package and model name
whose architecture matches the row, and the test resolution of the row's accuracy (the paper's
evaluation size). Rows no package implements are listed in ``UNMATCHED`` with the reason.
Nothing here is a FLOP count: the counts come from running the definitions (``recount/count.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Match:
    """One Table A.3 row and the model definition that recounts it."""

    model: str  #: name as in Table A.3 (data/vision.csv)
    package: str  #: "timm" or "torchvision"
    name: str  #: the package's model name
    resolution: int  #: square input size of the row's evaluation, px
    how: str  #: how the row was matched ("same architecture", "same architecture, resized", ...)
    source: str  #: where the resolution (and the match) is stated
    kwargs: dict = field(default_factory=dict)  #: extra arguments to the package's constructor
    extra_data: str | None = None  #: the row's training data where Table A.3 has the name twice


SAME = "same architecture"
RESIZED = "same architecture at the row's resolution (img_size set)"
TV = "torchvision"

MATCHES: list[Match] = [
    Match("AlexNet", TV, "alexnet", 224, "torchvision's single-tower variant (Krizhevsky 2014, 'one weird trick'), "
          "not the paper's two-tower network; the thesis counted this definition with ptflops",
          "thesis §4.1.2 (ptflops on torchvision's AlexNet, 224 px)"),
    Match("VGG-19", TV, "vgg19", 224, SAME, "Simonyan & Zisserman 2015, arXiv:1409.1556 (224 px crops)"),
    Match("VGG-16", TV, "vgg16", 224, SAME, "Simonyan & Zisserman 2015, arXiv:1409.1556 (224 px crops)"),
    Match("Inception V1/GoogleLeNet", TV, "googlenet", 224, "torchvision's GoogLeNet (with batch norm, auxiliary "
          "heads off)", "Szegedy et al. 2015, arXiv:1409.4842 (224 px)", {"aux_logits": False, "init_weights": False}),
    Match("Inception V3", TV, "inception_v3", 299, SAME + " (auxiliary head off)",
          "Szegedy et al. 2016, arXiv:1512.00567 (299 px)", {"aux_logits": False, "init_weights": False}),
    Match("ResNet-50", TV, "resnet50", 224, SAME, "He et al. 2016, arXiv:1512.03385 (224 px)"),
    Match("ResNet-101", TV, "resnet101", 224, SAME, "He et al. 2016, arXiv:1512.03385 (224 px)"),
    Match("ResNet-152", TV, "resnet152", 224, SAME, "He et al. 2016, arXiv:1512.03385 (224 px)"),
    Match("Inception V4", "timm", "inception_v4", 299, SAME, "Szegedy et al. 2017, arXiv:1602.07261 (299 px)"),
    Match("Inception ResNet V2", "timm", "inception_resnet_v2", 299, SAME,
          "Szegedy et al. 2017, arXiv:1602.07261 (299 px)"),
    Match("Densenet-121", TV, "densenet121", 224, SAME, "Huang et al. 2017, arXiv:1608.06993 (224 px)"),
    Match("Densenet-169", TV, "densenet169", 224, SAME, "Huang et al. 2017, arXiv:1608.06993 (224 px)"),
    Match("Densenet-201", TV, "densenet201", 224, SAME, "Huang et al. 2017, arXiv:1608.06993 (224 px)"),
    Match("Xception", "timm", "legacy_xception", 299, SAME, "Chollet 2017, arXiv:1610.02357 (299 px)"),
    Match("ResNeXt-50 (32x4d)", TV, "resnext50_32x4d", 224, SAME, "Xie et al. 2017, arXiv:1611.05431 (224 px)"),
    Match("ResNeXt-101 (64x4d)", TV, "resnext101_64x4d", 224, SAME, "Xie et al. 2017, arXiv:1611.05431 (224 px)"),
    Match("MobileNet", "timm", "mobilenetv1_100", 224, SAME + " (width 1.0)", "Howard et al. 2017, arXiv:1704.04861 "
          "(224 px, width multiplier 1.0)"),
    Match("DPN-131 (40 × 4d)", "timm", "dpn131", 224, SAME, "Chen et al. 2017, arXiv:1707.01629 (224 px)"),
    Match("DPN-98 (40 × 4d)", "timm", "dpn98", 224, SAME, "Chen et al. 2017, arXiv:1707.01629 (224 px)"),
    Match("DPN-92 (32 × 3d)", "timm", "dpn92", 224, SAME, "Chen et al. 2017, arXiv:1707.01629 (224 px)"),
    Match("NASNet-A (6 @ 4032)", "timm", "nasnetalarge", 331, SAME, "Zoph et al. 2018, arXiv:1707.07012 (331 px)"),
    Match("SENet-154", "timm", "legacy_senet154", 224, SAME, "Hu et al. 2018, arXiv:1709.01507 (224 px single crop)"),
    Match("PNASNet-5 (N = 4, F = 216)", "timm", "pnasnet5large", 331, SAME, "Liu et al. 2018, arXiv:1712.00559 "
          "(331 px)"),
    Match("MobileNetV2", TV, "mobilenet_v2", 224, SAME, "Sandler et al. 2018, arXiv:1801.04381 (224 px)"),
    Match("MobileNetV2 1.4", "timm", "mobilenetv2_140", 224, SAME + " (width 1.4)", "Sandler et al. 2018, "
          "arXiv:1801.04381 (224 px, width multiplier 1.4)"),
    Match("ResNeXt-101 32×32d", "timm", "resnext101_32x32d", 224, SAME, "Mahajan et al. 2018, arXiv:1805.00932 "
          "(224 px)"),
    Match("ResNeXt-101 32×48d", "timm", "resnext101_32x32d", 224, "same architecture: timm's ResNeXt-101 32x32d "
          "with group width 48 (timm 1.0 no longer names the 32x48d variant)", "Mahajan et al. 2018, "
          "arXiv:1805.00932 (224 px)", {"base_width": 48}),
    Match("ShuffleNetV2 x1.0", TV, "shufflenet_v2_x1_0", 224, SAME, "Ma et al. 2018, arXiv:1807.11164 (224 px)"),
    Match("ResNeXt-101 32x16d", "timm", "resnext101_32x16d", 224, SAME, "Yalniz et al. 2019, arXiv:1905.00546 "
          "(224 px)"),
    Match("ResNeXt-101 32x8d", TV, "resnext101_32x8d", 224, SAME, "Yalniz et al. 2019, arXiv:1905.00546 (224 px)"),
    Match("ResNeXt-50 32x4d", TV, "resnext50_32x4d", 224, SAME, "Yalniz et al. 2019, arXiv:1905.00546 (224 px)"),
    *[Match(f"EfficientNet-B{i}", "timm", f"tf_efficientnet_b{i}", r, SAME + " (TensorFlow 'same' padding)",
            "Tan & Le 2019, arXiv:1905.11946, and the official EfficientNet repository's resolutions")
      for i, r in enumerate((224, 240, 260, 300, 380, 456, 528, 600))],
    *[Match(f"NoisyStudent-B{i}", "timm", f"tf_efficientnet_b{i}", r, SAME + " (TensorFlow 'same' padding)",
            "Xie et al. 2020, arXiv:1911.04252: the EfficientNet models at their own resolutions")
      for i, r in enumerate((224, 240, 260, 300, 380, 456, 528, 600))],
    Match("NoisyStudent-L2", "timm", "tf_efficientnet_l2", 800, SAME, "Xie et al. 2020, arXiv:1911.04252 "
          "(EfficientNet-L2 tested at 800 px; Table A.1 of the thesis)"),
    Match("FixEfficientNet-L2", "timm", "tf_efficientnet_l2", 600, SAME + " (FixRes test size)",
          "Touvron et al. 2020, arXiv:2003.08237 (FixEfficientNet-L2 tested at 600 px)"),
    Match("FixEfficientNet-B7", "timm", "tf_efficientnet_b7", 632, SAME + " (FixRes test size)",
          "Touvron et al. 2020, arXiv:2003.08237 (632 px; the thesis's Appendix A uses the same)"),
    Match("FixEfficientNet-B0", "timm", "tf_efficientnet_b0", 320, SAME + " (FixRes test size)",
          "Touvron et al. 2020, arXiv:2003.08237 (320 px; the thesis's Appendix A uses the same)"),
    Match("ResNeSt-269", "timm", "resnest269e", 416, SAME, "Zhang et al. 2020, arXiv:2004.08955 (416 px)"),
    Match("ResNeSt-200", "timm", "resnest200e", 320, SAME, "Zhang et al. 2020, arXiv:2004.08955 (320 px)"),
    Match("ResNeSt-50", "timm", "resnest50d", 224, SAME, "Zhang et al. 2020, arXiv:2004.08955 (224 px)"),
    Match("ViT-L/16", "timm", "vit_large_patch16_384", 384, SAME, "Dosovitskiy et al. 2021, arXiv:2010.11929 "
          "(fine-tuned at 384 px)", extra_data="Imagenet 21k"),
    Match("ViT-L/16", "timm", "vit_large_patch16_384", 384, SAME, "Dosovitskiy et al. 2021, arXiv:2010.11929 "
          "(fine-tuned at 384 px)", extra_data="JFT 300M"),
    Match("ViT-B/16", "timm", "vit_base_patch16_384", 384, SAME, "Dosovitskiy et al. 2021, arXiv:2010.11929 "
          "(fine-tuned at 384 px)"),
    Match("DeiT-small", "timm", "deit_small_patch16_224", 224, SAME, "Touvron et al. 2021, arXiv:2012.12877"),
    Match("DeiT-small-Distilled", "timm", "deit_small_distilled_patch16_224", 224, SAME,
          "Touvron et al. 2021, arXiv:2012.12877"),
    Match("DeiT-base", "timm", "deit_base_patch16_224", 224, SAME, "Touvron et al. 2021, arXiv:2012.12877"),
    Match("DeiT-base-384", "timm", "deit_base_patch16_384", 384, SAME, "Touvron et al. 2021, arXiv:2012.12877"),
    Match("NFNet-F0", "timm", "dm_nfnet_f0", 256, SAME, "Brock et al. 2021, arXiv:2102.06171 (F0 tested at 256 px)"),
    Match("NFNet-F6+SAM", "timm", "dm_nfnet_f6", 576, SAME, "Brock et al. 2021, arXiv:2102.06171 (F6 tested at "
          "576 px; SAM changes training only)"),
    Match("Swin-B 224", "timm", "swin_base_patch4_window7_224", 224, SAME, "Liu et al. 2021, arXiv:2103.14030"),
    Match("Swin-B 384", "timm", "swin_base_patch4_window12_384", 384, SAME, "Liu et al. 2021, arXiv:2103.14030"),
    Match("Swin-L", "timm", "swin_large_patch4_window12_384", 384, SAME, "Liu et al. 2021, arXiv:2103.14030 "
          "(Swin-L's ImageNet-22k result is at 384 px)"),
    Match("CrossViT-15", "timm", "crossvit_15_240", 240, SAME, "Chen et al. 2021, arXiv:2103.14899 (240 px)"),
    Match("CrossViT-18", "timm", "crossvit_18_240", 240, SAME, "Chen et al. 2021, arXiv:2103.14899 (240 px)"),
    Match("CaiT-S36", "timm", "cait_s36_384", 224, RESIZED, "Touvron et al. 2021, arXiv:2103.17239 (S36 at 224 px)",
          {"img_size": 224}),
    Match("CaiT-S36 dist", "timm", "cait_s36_384", 224, RESIZED, "Touvron et al. 2021, arXiv:2103.17239 "
          "(S36 at 224 px; distillation changes training only)", {"img_size": 224}),
    Match("CaiT-S24-384 dist", "timm", "cait_s24_384", 384, SAME, "Touvron et al. 2021, arXiv:2103.17239"),
    Match("CaiT-M48-448 dist", "timm", "cait_m48_448", 448, SAME, "Touvron et al. 2021, arXiv:2103.17239"),
    *[Match(f"EfficientNetV2-{s}", "timm", f"tf_efficientnetv2_{s.lower()}", r, SAME, "Tan & Le 2021, "
            f"arXiv:2104.00298 (EfficientNetV2-{s} evaluated at {r} px)", extra_data=d)
      for s, r in (("S", 384), ("M", 480), ("L", 480)) for d in ("No", "Imagenet 21k")],
    Match("ViT-G/14", "timm", "vit_gigantic_patch14_224", 518, RESIZED, "Zhai et al. 2022, arXiv:2106.04560 "
          "(ViT-G/14: width 1664, depth 48, MLP 8192, 16 heads; fine-tuned at 518 px)", {"img_size": 518}),
]

#: Rows of Table A.3 that neither timm nor torchvision implements, with the reason.
UNMATCHED: dict[str, str] = {
    "ZFNet-b": "no definition in timm or torchvision",
    "ZFNet": "no definition in timm or torchvision",
    "Inception V2/Incepton BN": "no definition in timm or torchvision (BN-Inception)",
    "ShuffleNet x1.0 (g=8)": "torchvision and timm implement ShuffleNetV2 only",
    "NASNet-A (7 @ 1920)": "timm implements the large NASNet-A (6 @ 4032) only",
    "PNASNet-5 (N = 3, F = 54)": "timm implements the large PNASNet-5 only",
    "AmoebaNet-A (N=6, F=190)": "no definition in timm or torchvision",
    "AmoebaNet-A (N=6, F=448)": "no definition in timm or torchvision",
    "Meta Pseudo Labels L2": "EfficientNet-L2, but the test resolution of its 90.2 % is not stated in the row's "
                             "source; left out rather than guessed",
    "BotNet-T7": "timm's BotNet definitions are other variants (botnet26t, botnet50ts), not T5/T7",
    "BotNet-T5": "timm's BotNet definitions are other variants (botnet26t, botnet50ts), not T5/T7",
    "T2T-ViTt-14": "no definition in timm or torchvision",
    "T2T-ViTt-19": "no definition in timm or torchvision",
    "T2T-ViTt-24": "no definition in timm or torchvision",
    "NFNet-F4+": "timm implements F0-F6, not the wider F4+",
}


@dataclass(frozen=True)
class LanguageMatch:
    """One Table A.4 row and the transformers configuration that recounts it, from the paper's hyper-parameters."""

    model: str  #: name as in Table A.4 (data/language.csv)
    family: str  #: the transformers model class counted (BertModel, GPT2Model, ...)
    config: dict  #: hyper-parameters (everything that changes the FLOPs), typed from the source
    source: str  #: where the hyper-parameters are stated
    note: str = ""


BERT = "BertModel"
GPT = "GPT2Model"


def encoder(layers: int, width: int, heads: int, ffn: int, embedding: int | None = None) -> dict:
    """A BERT-family configuration: layers, width, heads, feed-forward size (and a factorised embedding size)."""
    cfg = dict(num_hidden_layers=layers, hidden_size=width, num_attention_heads=heads, intermediate_size=ffn)
    return cfg | ({"embedding_size": embedding} if embedding else {})


SMALL = encoder(12, 256, 4, 1024, embedding=128)  # ELECTRA's small models (Clark et al. 2020, Table 6)

#: Table A.4's transformers, each at its row's input length (Table A.4's input_tokens). Heads only split the
#: width and do not change the FLOPs; the vocabulary changes only the embedding lookup, which has none.
LANGUAGE: list[LanguageMatch] = [
    LanguageMatch("GPT-1", "OpenAIGPTModel", dict(n_layer=12, n_embd=768, n_head=12),
                  "Radford et al. 2018, 'Improving Language Understanding by Generative Pre-Training', §4.1: "
                  "12-layer decoder, 768-dimensional states, 12 heads, 3072-dimensional inner states"),
    LanguageMatch("BERT Large", BERT, encoder(24, 1024, 16, 4096),
                  "Devlin et al. 2019, arXiv:1810.04805, §3: L=24, H=1024, A=16, feed-forward 4H"),
    LanguageMatch("BERT-Base", BERT, encoder(12, 768, 12, 3072),
                  "Devlin et al. 2019, arXiv:1810.04805, §3: L=12, H=768, A=12, feed-forward 4H"),
    LanguageMatch("BERT-Small", "ElectraModel", SMALL,
                  "Clark et al. 2020, arXiv:2003.10555, Table 6 and §3.4: the small models (BERT-Small and "
                  "ELECTRA-Small) have 12 layers, hidden 256, 4 heads, FFN 1024, embeddings 128"),
    LanguageMatch("ELECTRA-Small", "ElectraModel", SMALL,
                  "Clark et al. 2020, arXiv:2003.10555, Table 6: 12 layers, hidden 256, 4 heads, FFN 1024, "
                  "embeddings 128"),
    LanguageMatch("ELECTRA-Base", "ElectraModel", encoder(12, 768, 12, 3072, embedding=768),
                  "Clark et al. 2020, arXiv:2003.10555, Table 6: 12 layers, hidden 768, 12 heads, FFN 3072"),
    LanguageMatch("ELECTRA Large", "ElectraModel", encoder(24, 1024, 16, 4096, embedding=1024),
                  "Clark et al. 2020, arXiv:2003.10555, Table 6: 24 layers, hidden 1024, 16 heads, FFN 4096"),
    LanguageMatch("Theseus 6/768", BERT, encoder(6, 768, 12, 3072),
                  "Xu et al. 2020, arXiv:2002.02925: a 6-layer BERT-Base (hidden 768) compressed from BERT-Base"),
    LanguageMatch("ALBERT-base", "AlbertModel", encoder(12, 768, 12, 3072, embedding=128),
                  "Lan et al. 2020, arXiv:1909.11942, Table 1: 12 layers, hidden 768, embedding 128 (FFN 4H, "
                  "H/64 heads, §3.1)"),
    LanguageMatch("ALBERT-xxl", "AlbertModel", encoder(12, 4096, 64, 16384, embedding=128),
                  "Lan et al. 2020, arXiv:1909.11942, Table 1: ALBERT-xxlarge, 12 layers, hidden 4096, "
                  "embedding 128 (FFN 4H, H/64 heads, §3.1)"),
    LanguageMatch("MobileBERT", "MobileBertModel", dict(num_hidden_layers=24, hidden_size=512, embedding_size=128,
                                                        intra_bottleneck_size=128, true_hidden_size=128,
                                                        num_attention_heads=4, intermediate_size=512,
                                                        num_feedforward_networks=4),
                  "Sun et al. 2020, arXiv:2004.02984, Table 1: 24 blocks of hidden 512 with a 128 bottleneck, "
                  "embedding 128, 4 heads, 4 stacked FFNs of 512"),
    LanguageMatch("GPT-2", GPT, dict(n_layer=48, n_embd=1600, n_head=25),
                  "Radford et al. 2019, 'Language Models are Unsupervised Multitask Learners', Table 2: 48 layers, "
                  "d_model 1600 (25 heads from the released model's configuration)"),
    LanguageMatch("Megatron", GPT, dict(n_layer=72, n_embd=3072, n_head=32),
                  "Shoeybi et al. 2019, arXiv:1909.08053, Table 2: the 8.3B model, 72 layers, hidden 3072, 32 heads"),
    LanguageMatch("Microsoft T-NLG", GPT, dict(n_layer=78, n_embd=4256, n_head=28),
                  "Microsoft Research blog, 'Turing-NLG: A 17-billion-parameter language model by Microsoft' "
                  "(2020-02-13): 78 layers, hidden 4256, 28 heads"),
    LanguageMatch("GPT-3", GPT, dict(n_layer=96, n_embd=12288, n_head=96),
                  "Brown et al. 2020, arXiv:2005.14165, Table 2.1: GPT-3 175B, 96 layers, d_model 12288, 96 heads",
                  note="GPT-3 alternates dense and locally banded sparse attention; all layers counted dense, so "
                       "the attention of half the layers is an upper bound"),
]

#: Table A.4 rows without a configuration here, with the reason.
LANGUAGE_UNMATCHED: dict[str, str] = {
    "Transformer": "encoder-decoder: Table A.4 gives 512 input tokens but not the output length the count needs",
    "ELMo": "a bidirectional LSTM with character convolutions, not a transformer",
    "MobileBERT tiny": "its configuration (Sun et al. 2020, Table 1) was not typed: not read in full offline",
    "SqueezeBERT": "grouped convolutions in place of dense layers; its configuration was not typed from the paper",
}
