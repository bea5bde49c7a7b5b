"""An independent PyTorch implementation of the official BagNet (bagnets/pytorchnet.py of
wielandbrendel/bag-of-local-features-models), written from FACTS.md section A, used only to
make parity fixtures and to check parity by hand. Not part of the test suite."""
import math
import torch
import torch.nn as nn


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None, kernel_size=1):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, kernel_size=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=kernel_size, stride=stride, padding=0, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        residual = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            residual = self.downsample(x)
        if residual.size(-1) != out.size(-1):
            diff = residual.size(-1) - out.size(-1)
            residual = residual[:, :, :-diff, :-diff]
        out += residual
        return self.relu(out)


class BagNet(nn.Module):
    def __init__(self, kernel3, layers=(3, 4, 6, 3), strides=(2, 2, 2, 1), num_classes=1000, width=64, avg_pool=True):
        super().__init__()
        self.inplanes = width
        self.conv1 = nn.Conv2d(3, width, kernel_size=1, stride=1, padding=0, bias=False)
        self.conv2 = nn.Conv2d(width, width, kernel_size=3, stride=1, padding=0, bias=False)
        self.bn1 = nn.BatchNorm2d(width, momentum=0.001)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = self._make_layer(width, layers[0], strides[0], kernel3[0])
        self.layer2 = self._make_layer(width * 2, layers[1], strides[1], kernel3[1])
        self.layer3 = self._make_layer(width * 4, layers[2], strides[2], kernel3[2])
        self.layer4 = self._make_layer(width * 8, layers[3], strides[3], kernel3[3])
        self.avgpool = nn.AvgPool2d(1, stride=1)
        self.fc = nn.Linear(width * 8 * 4, num_classes)
        self.avg_pool = avg_pool
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
                m.weight.data.normal_(0, math.sqrt(2.0 / n))
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.data.fill_(1)
                m.bias.data.zero_()

    def _make_layer(self, planes, blocks, stride, kernel3):
        downsample = None
        if stride != 1 or self.inplanes != planes * 4:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * 4, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(planes * 4))
        layers = [Bottleneck(self.inplanes, planes, stride, downsample, kernel_size=1 if kernel3 == 0 else 3)]
        self.inplanes = planes * 4
        for i in range(1, blocks):
            layers.append(Bottleneck(self.inplanes, planes, kernel_size=1 if kernel3 <= i else 3))
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.relu(self.bn1(self.conv2(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        if self.avg_pool:
            x = nn.AvgPool2d(x.size()[2], stride=1)(x)
            x = x.view(x.size(0), -1)
            return self.fc(x)
        x = x.permute(0, 2, 3, 1)
        return self.fc(x)


KERNEL3 = {"bagnet9": [1, 1, 0, 0], "bagnet17": [1, 1, 1, 0], "bagnet33": [1, 1, 1, 1]}


def bagnet(name, **kw):
    return BagNet(KERNEL3[name], **kw)
